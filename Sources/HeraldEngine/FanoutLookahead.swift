import Foundation
import HeraldCore

/// A fan-out batch read and planned, not yet written.
struct PreparedFanoutBatch: Sendable {
    var batch: FanoutBatch
}

/// The next batch of the jobs fan-out is working through, read and planned while the current batch is
/// written. A batch is used only by the job it was read for, only if the job's cursor is still where it
/// started, and only while it is fresh (its plan is a provisional decision made at the time it was read);
/// otherwise it is dropped and read again.
struct FanoutLookahead {
    /// How old a prepared batch may be when it is used.
    static let freshFor: TimeInterval = 1
    /// Jobs with a batch read ahead at once: round robin over more jobs drops the oldest.
    static let jobs = 4

    private var ahead: [Int64: (after: String?, at: Date, task: Task<PreparedFanoutBatch, any Error>)] = [:]

    mutating func start(
        _ jobId: Int64, after cursor: String?, at: Date,
        _ prepare: @escaping @Sendable () async throws -> PreparedFanoutBatch
    ) {
        drop(jobId)
        if ahead.count >= Self.jobs, let oldest = ahead.min(by: { $0.value.at < $1.value.at })?.key { drop(oldest) }
        ahead[jobId] = (cursor, at, Task { try await prepare() })
    }

    /// The batch read ahead for this job at this cursor, if it is there, fresh and was read without error.
    mutating func take(_ jobId: Int64, after cursor: String?, now: Date) async -> PreparedFanoutBatch? {
        guard let entry = ahead.removeValue(forKey: jobId) else { return nil }
        guard entry.after == cursor, now.timeIntervalSince(entry.at) <= Self.freshFor else {
            entry.task.cancel()
            return nil
        }
        return try? await entry.task.value
    }

    mutating func drop(_ jobId: Int64) {
        ahead.removeValue(forKey: jobId)?.task.cancel()
    }

    mutating func dropAll() {
        for entry in ahead.values { entry.task.cancel() }
        ahead.removeAll()
    }
}

import Foundation
import HeraldCore

/// The next batch (read and planned, not yet written) of the jobs fan-out is working through, prepared while
/// the current batch is written. A batch is used only by the job it was read for, only if the job's cursor is still where it
/// started, and only while its plan is fresh (a provisional decision made when it was read); otherwise it
/// is dropped and read again. While `capacity` jobs have a batch waiting, no more are started: in a round
/// robin over more jobs, evicting one would drop exactly the batch whose turn comes next.
struct FanoutLookahead {
    /// How old a prepared batch's plan may be when it is used.
    static let freshFor: TimeInterval = 1
    static let capacity = 4

    private var ahead: [Int64: ReadAhead<FanoutBatch>] = [:]

    mutating func start(
        _ jobId: Int64, after cursor: String?, now: Date,
        _ prepare: @escaping @Sendable () async throws -> FanoutBatch
    ) async {
        await drop(jobId)
        for (staleJob, entry) in ahead where entry.isStale(now: now) {
            ahead[staleJob] = nil
            await entry.stop()
        }
        guard ahead.count < Self.capacity else { return }
        ahead[jobId] = ReadAhead(after: cursor, startedAt: now, task: Task { try await prepare() })
    }

    /// The batch read ahead for this job at this cursor, if it is there, read without error and still fresh.
    mutating func take(_ jobId: Int64, after cursor: String?, now: @Sendable () -> Date) async -> FanoutBatch? {
        await ahead.removeValue(forKey: jobId)?.value(at: cursor, now: now, readAt: \.at)
    }

    /// Cancels a job's batch and waits for its reads to stop.
    mutating func drop(_ jobId: Int64) async {
        await ahead.removeValue(forKey: jobId)?.stop()
    }

    /// Cancels every batch and waits for their reads to stop, so none outlives the service.
    mutating func dropAll() async {
        for jobId in Array(ahead.keys) { await drop(jobId) }
    }
}

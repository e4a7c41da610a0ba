import HeraldCore
import Synchronization

/// A job's counts by state, for `GET /v1/jobs/{id}` and the dashboard. Counting reads every delivery of the
/// job: about 10 ms at 200,000, so a client polling a campaign every 50 ms spent a fifth of the daemon's CPU
/// on it. The counts of a job with at least `minDeliveries` are reused for `reuse` times as long as they took
/// (at most `maxAge`) while the job's status stays the same, and pollers that arrive while such a job's
/// aged counts are recounted wait for that recount instead of starting their own; so however many poll,
/// recounts of a job cost about 1/`reuse` of a core. (A job's first count, and its first after a status
/// change, are not shared: each poller then counts.) Smaller jobs are always counted afresh: the size, not the
/// time a count happened to take on a busy machine, decides. The `completed` derived from the counts can
/// therefore lag by up to `maxAge`.
public final class JobProgressCounts: Sendable {
    private struct Entry {
        var progress: JobProgress
        var status: JobStatus
        /// When the count began: a slower count that began earlier never replaces it.
        var counted: Duration
        var until: Duration
    }

    private struct Recount {
        var serial: UInt64
        var status: JobStatus
        var task: Task<JobProgress, any Error>
    }

    private struct State {
        var entries: [Int64: Entry] = [:]
        var recounts: [Int64: Recount] = [:]
        var serial: UInt64 = 0
    }

    let minDeliveries: Int
    let reuse: Int
    let maxAge: Duration
    /// Monotonic time since an arbitrary origin; injected so tests need not sleep.
    private let elapsed: @Sendable () -> Duration
    private let state = Mutex(State())
    /// Entries for this many jobs at most; past it they are all dropped (polled jobs come back at once).
    private static let capacity = 512

    public init(
        minDeliveries: Int = 10_000, reuse: Int = 50, maxAge: Duration = .milliseconds(500),
        elapsed: (@Sendable () -> Duration)? = nil
    ) {
        self.minDeliveries = minDeliveries
        self.reuse = reuse
        self.maxAge = maxAge
        let origin = ContinuousClock.now
        self.elapsed = elapsed ?? { ContinuousClock.now - origin }
    }

    /// The job's counts: the last ones if they are still fresh enough for `status`, the recount in flight if a
    /// large job is being recounted for the same status, otherwise `count()`.
    public func progress(
        jobId: Int64, status: JobStatus, count: @escaping @Sendable () async throws -> JobProgress
    ) async throws -> JobProgress {
        enum Step {
            case reuse(JobProgress)
            case wait(Task<JobProgress, any Error>)
            case count
        }
        let start = elapsed()
        let step = state.withLock { state -> Step in
            guard let entry = state.entries[jobId], entry.status == status else { return .count }
            if start < entry.until { return .reuse(entry.progress) }
            if let recount = state.recounts[jobId] {
                return recount.status == status ? .wait(recount.task) : .count
            }
            state.serial += 1
            let serial = state.serial
            let task = Task {
                defer { self.state.withLock { if $0.recounts[jobId]?.serial == serial { $0.recounts[jobId] = nil } } }
                return try await self.counted(jobId: jobId, status: status, start: start, count: count)
            }
            state.recounts[jobId] = Recount(serial: serial, status: status, task: task)
            return .wait(task)
        }
        switch step {
        case .reuse(let progress): return progress
        case .wait(let task): return try await task.value
        case .count: return try await counted(jobId: jobId, status: status, start: start, count: count)
        }
    }

    /// Counts and keeps the result for a large job.
    private func counted(
        jobId: Int64, status: JobStatus, start: Duration, count: () async throws -> JobProgress
    ) async throws -> JobProgress {
        let progress = try await count()
        let end = elapsed()
        state.withLock { state in
            if let newer = state.entries[jobId], newer.counted > start { return }
            guard progress.total >= minDeliveries else {
                state.entries[jobId] = nil
                return
            }
            if state.entries[jobId] == nil, state.entries.count >= Self.capacity {
                state.entries.removeAll(keepingCapacity: true)
            }
            state.entries[jobId] = Entry(
                progress: progress, status: status, counted: start, until: end + min((end - start) * reuse, maxAge))
        }
        return progress
    }
}

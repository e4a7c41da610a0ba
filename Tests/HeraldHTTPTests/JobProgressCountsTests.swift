import HeraldCore
import HeraldHTTP
import Synchronization
import Testing

/// A costly count (a campaign's hundreds of thousands of deliveries) is reused for a while, so polling cannot
/// spend the daemon's CPU; a cheap one, or one asked for after the job's status changed, is fresh.
@Suite("Job progress: counts are recounted at a pace their cost allows")
final class JobProgressCountsTests: Sendable {
    private let counted = Mutex(0)

    /// Counts as `GET /v1/jobs/{id}` would, returning how many counts ran so far as the number of sent rows.
    private func count(slow: Bool) async throws -> JobProgress {
        if slow { try await Task.sleep(for: .milliseconds(60)) }
        let n = counted.withLock { value in
            value += 1
            return value
        }
        return JobProgress(byState: ["sent": n])
    }

    @Test func aCostlyCountIsReusedUntilTheStatusChangesOrItAges() async throws {
        let counts = JobProgressCounts(minCost: .milliseconds(50), reuse: 1000, maxAge: .milliseconds(100))
        let first = try await counts.progress(jobId: 1, status: .fanningOut) { try await count(slow: true) }
        let again = try await counts.progress(jobId: 1, status: .fanningOut) { try await count(slow: true) }
        #expect(first.byState["sent"] == 1)
        #expect(again.byState["sent"] == 1)

        let afterFanout = try await counts.progress(jobId: 1, status: .active) { try await count(slow: true) }
        #expect(afterFanout.byState["sent"] == 2)

        try await Task.sleep(for: .milliseconds(300))
        let aged = try await counts.progress(jobId: 1, status: .active) { try await count(slow: true) }
        #expect(aged.byState["sent"] == 3)
    }

    @Test func aCheapCountIsAlwaysFresh() async throws {
        let counts = JobProgressCounts(minCost: .milliseconds(50), reuse: 1000, maxAge: .seconds(60))
        _ = try await counts.progress(jobId: 2, status: .active) { try await count(slow: false) }
        let second = try await counts.progress(jobId: 2, status: .active) { try await count(slow: false) }
        #expect(second.byState["sent"] == 2)
    }
}

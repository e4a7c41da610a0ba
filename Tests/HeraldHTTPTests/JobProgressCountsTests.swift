import HeraldCore
import HeraldHTTP
import Synchronization
import Testing

/// A large job's count (a campaign's hundreds of thousands of deliveries) is reused for a while, so polling
/// cannot spend the daemon's CPU; a small job's, or one asked for after the job's status changed, is fresh.
@Suite("Job progress: a large job's counts are recounted at a pace their cost allows")
final class JobProgressCountsTests: Sendable {
    private let counted = Mutex(0)

    /// Counts as `GET /v1/jobs/{id}` would: `queued` says how many counts ran so far, `sent` makes the job's size.
    private func count(size: Int) async throws -> JobProgress {
        try await Task.sleep(for: .milliseconds(20))
        let n = counted.withLock { value in
            value += 1
            return value
        }
        return JobProgress(byState: ["queued": n, "sent": size])
    }

    @Test func aLargeJobsCountIsReusedUntilTheStatusChangesOrItAges() async throws {
        let counts = JobProgressCounts(minDeliveries: 1_000, reuse: 1_000, maxAge: .seconds(1))
        let first = try await counts.progress(jobId: 1, status: .fanningOut) { try await count(size: 5_000) }
        let again = try await counts.progress(jobId: 1, status: .fanningOut) { try await count(size: 5_000) }
        #expect(first.byState["queued"] == 1)
        #expect(again.byState["queued"] == 1)

        let afterFanout = try await counts.progress(jobId: 1, status: .active) { try await count(size: 5_000) }
        #expect(afterFanout.byState["queued"] == 2)

        try await Task.sleep(for: .milliseconds(1_500))
        let aged = try await counts.progress(jobId: 1, status: .active) { try await count(size: 5_000) }
        #expect(aged.byState["queued"] == 3)
    }

    @Test func aSmallJobsCountIsAlwaysFresh() async throws {
        let counts = JobProgressCounts(minDeliveries: 1_000, reuse: 1_000, maxAge: .seconds(60))
        _ = try await counts.progress(jobId: 2, status: .active) { try await count(size: 500) }
        let second = try await counts.progress(jobId: 2, status: .active) { try await count(size: 500) }
        #expect(second.byState["queued"] == 2)
    }
}

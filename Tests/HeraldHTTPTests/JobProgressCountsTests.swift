import HeraldCore
import HeraldHTTP
import Synchronization
import Testing

/// A large job's count (a campaign's hundreds of thousands of deliveries) is reused for a while, so polling
/// cannot spend the daemon's CPU; a small job's, or one asked for after the job's status changed, is fresh.
@Suite("Job progress: a large job's counts are recounted at a pace their cost allows")
final class JobProgressCountsTests: Sendable {
    private let counted = Mutex(0)
    private let clock = Mutex(Duration.zero)

    private func counts(minDeliveries: Int = 1_000, maxAge: Duration) -> JobProgressCounts {
        JobProgressCounts(minDeliveries: minDeliveries, reuse: 1_000, maxAge: maxAge) { self.clock.withLock { $0 } }
    }

    private func advance(_ duration: Duration) { clock.withLock { $0 += duration } }

    /// Counts as `GET /v1/jobs/{id}` would, taking 20 ms of the test's clock: `queued` says how many counts ran
    /// so far, `sent` makes the job's size.
    private func count(size: Int) -> JobProgress {
        advance(.milliseconds(20))
        let n = counted.withLock { value in
            value += 1
            return value
        }
        return JobProgress(byState: ["queued": n, "sent": size])
    }

    @Test func aLargeJobsCountIsReusedUntilTheStatusChangesOrItAges() async throws {
        let counts = counts(maxAge: .seconds(1))
        let first = try await counts.progress(jobId: 1, status: .fanningOut) { self.count(size: 5_000) }
        advance(.milliseconds(900))
        let again = try await counts.progress(jobId: 1, status: .fanningOut) { self.count(size: 5_000) }
        #expect(first.byState["queued"] == 1)
        #expect(again.byState["queued"] == 1)

        let afterFanout = try await counts.progress(jobId: 1, status: .active) { self.count(size: 5_000) }
        #expect(afterFanout.byState["queued"] == 2)

        advance(.milliseconds(1_100))
        let aged = try await counts.progress(jobId: 1, status: .active) { self.count(size: 5_000) }
        #expect(aged.byState["queued"] == 3)
    }

    @Test func aSmallJobsCountIsAlwaysFresh() async throws {
        let counts = counts(maxAge: .seconds(60))
        _ = try await counts.progress(jobId: 2, status: .active) { self.count(size: 500) }
        let second = try await counts.progress(jobId: 2, status: .active) { self.count(size: 500) }
        #expect(second.byState["queued"] == 2)
    }

    /// Ten pollers of a campaign whose counts just aged: one recount serves them all.
    @Test(.timeLimit(.minutes(1))) func pollersArrivingDuringARecountShareIt() async throws {
        let counts = counts(maxAge: .seconds(1))
        _ = try await counts.progress(jobId: 3, status: .active) { self.count(size: 5_000) }
        advance(.seconds(2))

        let release = AsyncStream<Void>.makeStream()
        let firstCount = Task {
            try await counts.progress(jobId: 3, status: .active) {
                let progress = self.count(size: 5_000)
                for await _ in release.stream { break }
                return progress
            }
        }
        while counted.withLock({ $0 }) < 2 { await Task.yield() }
        let pollers = (0..<9).map { _ in
            Task { try await counts.progress(jobId: 3, status: .active) { self.count(size: 5_000) } }
        }
        // Give the pollers time to arrive; without sharing, each would have counted by now.
        try await Task.sleep(for: .milliseconds(200))
        release.continuation.yield()
        release.continuation.finish()

        #expect(try await firstCount.value.byState["queued"] == 2)
        for poller in pollers { #expect(try await poller.value.byState["queued"] == 2) }
        #expect(counted.withLock { $0 } == 2)
    }
}

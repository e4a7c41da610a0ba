import Foundation
import HeraldCore
import HeraldStoreSQLite
import Logging
import HeraldEngine
import Testing

@Suite("Engine metrics after a scripted job")
struct EngineMetricsTests {
    @Test("deliveries, attempts, latency, fan-out, queue depth and breaker state carry bounded labels and true values")
    func scriptedJob() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        _ = try await fixture.seed()
        let monitor = QueueMonitor(
            stats: fixture.store, router: fixture.router, observability: fixture.observability, logger: .init(label: "t"))

        let now = Date()
        if let job = try await fixture.store.claimFanout(owner: "test-worker", now: now, leaseUntil: now.addingTimeInterval(60)) {
            try await fixture.fanout.fanOut(job)
        }
        try await monitor.refresh()
        var metrics = PrometheusSamples(fixture.renderMetrics())
        #expect(metrics.value("herald_queue_depth", ["state": "queued", "lane": "transactional", "channel": "email"]) == 3)
        #expect(metrics.value("herald_queue_depth", ["state": "queued", "lane": "campaign", "channel": "email"]) == 0)
        #expect(metrics.value("herald_fanout_deliveries_written_total", ["channel": "email"]) == 3)
        #expect(metrics.value("herald_deliveries_total", ["channel": "email", "instance": "none", "state": "queued"]) == 3)

        while try await fixture.dispatch.dispatchOnce() > 0 {}
        try await monitor.refresh()
        metrics = PrometheusSamples(fixture.renderMetrics())
        #expect(metrics.value("herald_deliveries_total", ["instance": "mail-main", "state": "sent", "reason": "none"]) == 2)
        #expect(metrics.value("herald_deliveries_total", ["instance": "mail-main", "state": "failed"]) == 1)
        #expect(metrics.value("herald_attempts_total", ["instance": "mail-main", "outcome": "sent"]) == 2)
        #expect(metrics.value("herald_attempts_total", ["instance": "mail-main", "outcome": "permanent"]) == 1)
        #expect(metrics.value("herald_provider_latency_seconds_count", ["instance": "mail-main"]) == 3)
        #expect(metrics.value("herald_queue_depth", ["state": "queued", "lane": "transactional", "channel": "email"]) == 0)
        #expect(metrics.value("herald_queue_oldest_due_seconds") == 0)
        #expect(metrics.value("herald_circuit_breaker_state", ["instance": "mail-main"]) == 0)

        // Bounded labels: no contact id, job id or address appears anywhere in the exposition.
        let text = fixture.renderMetrics()
        for forbidden in ["c-1", "c-3", "otp-batch-1", "anna@example.com", "job_id", "contact"] {
            #expect(!text.contains(forbidden), "metrics leak \(forbidden)")
        }
    }

    @Test("queue stats report how late the oldest due delivery is")
    func oldestDueAge() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        _ = try await fixture.seed()
        let now = Date()
        if let job = try await fixture.store.claimFanout(owner: "test-worker", now: now, leaseUntil: now.addingTimeInterval(60)) {
            try await fixture.fanout.fanOut(job)
        }
        // Nothing is sent; five minutes later the oldest due delivery has waited about five minutes.
        let stats = try await fixture.store.queueStats(now: now.addingTimeInterval(300))
        #expect(stats.oldestDueAge >= 290 && stats.oldestDueAge <= 310)
        #expect(stats.depth(channel: .email) == 3)
    }
}

import Foundation
import HeraldCore
import Testing

/// The ops protocols (queue stats, dashboard reads, access audit) answer the same on every backend.
@Suite("Store conformance: ops queries")
struct OpsConformanceTests {
    @Test(arguments: TestBackends.all)
    func queueStatsCountPendingByStateAndAgeOfOldestDue(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let stats = try #require(store as? any QueueStatsProviding)
            try await store.upsertContacts(["a", "b", "c"].map { contact($0, email: "\($0)@x.io") }, at: t0)
            try await seedJob(store, spec("j", ids: ["a", "b", "c"]), notBefore: ["c": at(600)])
            _ = try await claim(store, now: at(30), limit: 1)
            let snapshot = try await stats.queueStats(now: at(30))
            let counts = Dictionary(uniqueKeysWithValues: snapshot.buckets.map { ($0.state, $0.count) })
            #expect(counts == [.sending: 1, .queued: 2])
            #expect(snapshot.buckets.allSatisfy { $0.channel == .email && $0.lane == .transactional })
            #expect(snapshot.depth(channel: .email) == 3)
            // The one still due has waited since t0; "c" is not due yet and does not count.
            #expect(snapshot.oldestDueAge == 30)
        }
    }

    @Test(arguments: TestBackends.all)
    func dashboardReadsJobsNewestFirstFailuresAndThroughput(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let dashboard = try #require(store as? any DashboardQueries)
            try await store.upsertContacts(["a", "b"].map { contact($0, email: "\($0)@x.io") }, at: t0)
            let first = try await seedJob(store, spec("j1", ids: ["a", "b"]))
            let claimed = try await claim(store, now: at(60))
            #expect(claimed.count == 2)
            let sent = try #require(claimed.first { $0.contact.id == "a" })
            let failed = try #require(claimed.first { $0.contact.id == "b" })
            try await store.recordOutcomes(
                [
                    DeliveryOutcome(deliveryId: sent.deliveryId, owner: "w1", attempts: [attempt(1, .sent, at: at(61))], next: .sent),
                    DeliveryOutcome(
                        deliveryId: failed.deliveryId, owner: "w1", attempts: [attempt(1, .permanent, at: at(61))],
                        next: .failed),
                ], at: at(61))
            let second = try created(try await store.createJob(spec("j2", ids: ["a"]), bodyHash: "h2", at: at(70)))
            #expect(try await dashboard.recentJobs(limit: 10).map(\.id) == [second.id, first.id])
            let failures = try await dashboard.recentFailures(limit: 10)
            #expect(failures.map(\.id) == [failed.deliveryId])
            #expect(failures.first?.attempts.count == 1)
            let points = try await dashboard.throughput(since: t0)
            #expect(points.map(\.sent).reduce(0, +) >= 1)
            #expect(points.allSatisfy { $0.channel == .email })
            #expect(try await dashboard.delivery(id: sent.deliveryId)?.state == .sent)
            #expect(try await dashboard.delivery(id: 999_999) == nil)
        }
    }

    /// The dashboard passes any `Int64` a visitor types: the extremes find nothing instead of overflowing.
    @Test(arguments: TestBackends.all)
    func dashboardDeliveryLookupTakesAnyInt64(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let dashboard = try #require(store as? any DashboardQueries)
            for id in [Int64.min, -1, 0, Int64.max] {
                #expect(try await dashboard.delivery(id: id) == nil)
            }
        }
    }

    @Test(arguments: TestBackends.all)
    func accessRecordsListOldestFirstAfterACursor(backend: TestBackend) async throws {
        try await withStore(backend) { store, fixture in
            let audit = try #require(store as? any AccessAuditing)
            for (index, action) in ["consent_history", "consent_export", "chain_verify"].enumerated() {
                try await audit.recordAccess(
                    AccessRecord(at: at(Double(index)), keyHashPrefix: "abcdef012345", role: "compliance", action: action, query: "q\(index)"))
            }
            let all = try await audit.accessRecords(afterId: 0, limit: 10)
            #expect(all.map(\.action) == ["consent_history", "consent_export", "chain_verify"])
            #expect(all.map(\.at) == [at(0), at(1), at(2)])
            let rest = try await audit.accessRecords(afterId: all[0].id, limit: 1)
            #expect(rest.map(\.query) == ["q1"])
            // Kept across a restart.
            try await store.close()
            let reopened = try #require(try await fixture.open() as? any AccessAuditing)
            #expect(try await reopened.accessRecords(afterId: 0, limit: 10).count == 3)
            try await (reopened as? any Store)?.close()
        }
    }

    @Test(arguments: TestBackends.all)
    func pingAnswersWhileTheStoreIsOpen(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let health = try #require(store as? any StoreHealth)
            try await health.ping()
        }
    }
}

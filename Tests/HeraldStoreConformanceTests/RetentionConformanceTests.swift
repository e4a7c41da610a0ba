import Foundation
import HeraldCore
import HeraldEngine
import Logging
import Testing

@Suite("Store conformance: retention prunes the delivery log, never the ledger or job counts")
struct RetentionConformanceTests {
    static let day: TimeInterval = 86_400
    static let now = at(30 * day)

    /// An old job sent long ago, a recent one, and an old delivery that is still waiting.
    private func history(_ store: any Store) async throws -> (old: Job, recent: Job, waiting: Job) {
        try await store.upsertContacts((0..<3).map { contact("r\($0)", email: "r\($0)@example.org") }, at: t0)
        let old = try await seedJob(store, spec("old", ids: ["r0", "r1", "r2"]), now: t0)
        try await send(store, at: at(10))
        let waiting = try await seedJob(store, spec("waiting", ids: ["r0"]), notBefore: ["r0": at(60 * Self.day)], now: at(20))
        let recent = try await seedJob(store, spec("recent", ids: ["r0", "r1"]), now: Self.now - 3_600)
        try await send(store, at: Self.now - 3_000)
        _ = try await store.appendConsent(
            ConsentInput(contactId: "r0", channel: "email", status: .granted, source: "api", occurredAt: t0), at: t0)
        return (old, recent, waiting)
    }

    private func send(_ store: any Store, at time: Date) async throws {
        let claimed = try await claim(store, now: time)
        try await store.recordOutcomes(
            claimed.map {
                DeliveryOutcome(
                    deliveryId: $0.deliveryId, owner: "w1", attempts: [attempt(1, .sent, id: "pm-\($0.deliveryId)", at: time)],
                    next: .sent, smsSegments: nil)
            }, at: time)
    }

    /// `endpoints` subscribed to consent changes and leased from the start, then one consent event at each of
    /// `times`: the events as the endpoints will read them.
    private func consentEvents(
        _ store: any Store, _ outbox: any WebhookOutboxStore, endpoints: [String], at times: [Date]
    ) async throws -> [WebhookEventRecord] {
        try await outbox.installWebhookEvents([.consentChanged], endpoints: endpoints)
        var start: WebhookLogPosition?
        for endpoint in endpoints {
            let position = try #require(
                try await outbox.leaseWebhookEndpoint(endpoint, owner: "n1", now: t0, leaseUntil: Self.now))
            start = start ?? position
        }
        for time in times {
            _ = try await store.appendConsent(
                ConsentInput(contactId: "r0", channel: "email", status: .granted, source: "api", occurredAt: time),
                at: time)
        }
        return try await visible(outbox, after: try #require(start), count: times.count)
    }

    private func service(_ store: any Store, _ policy: RetentionPolicy) throws -> RetentionService {
        RetentionService(
            store: try #require(store as? any RetentionStore), policy: policy, logger: Logger(label: "test.retention"),
            now: { Self.now })
    }

    @Test(arguments: TestBackends.all)
    func oldFinishedDeliveriesGoAndTheirJobStillCounts(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let (old, recent, waiting) = try await history(store)
            let before = try await store.progress(jobId: old.id)
            // Batches of 2: the three old deliveries take two transactions.
            let pruned = try await service(store, RetentionPolicy(deliveries: 7 * Self.day, batchSize: 2)).prune()
            #expect(pruned.deliveries == 3)
            #expect(try await allDeliveries(store, jobId: old.id) == [])
            #expect(try await store.progress(jobId: old.id) == before)
            #expect(try await store.progress(jobId: old.id).byState["sent"] == 3)
            #expect(try await allDeliveries(store, jobId: recent.id).count == 2)
            #expect(try await allDeliveries(store, jobId: waiting.id).map(\.state.isTerminal) == [false])
            #expect(try await store.consentEvents(contactId: "r0").count == 1)
            // A second pass finds nothing more, and counts are not added twice.
            #expect(try await service(store, RetentionPolicy(deliveries: 7 * Self.day, batchSize: 2)).prune().total == 0)
            #expect(try await store.progress(jobId: old.id) == before)
        }
    }

    @Test(arguments: TestBackends.all)
    func oldAttemptsAndTracesGoWhileTheDeliveriesStay(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let (old, recent, waiting) = try await history(store)
            let pruned = try await service(store, RetentionPolicy(attempts: Self.day, traces: Self.day)).prune()
            #expect(pruned.attempts == 3)
            #expect(pruned.traces == 3)
            let oldOnes = try await allDeliveries(store, jobId: old.id)
            #expect(oldOnes.count == 3)
            #expect(oldOnes.allSatisfy { $0.attempts.isEmpty && $0.trace.isEmpty && $0.state == .sent })
            let recentOnes = try await allDeliveries(store, jobId: recent.id)
            #expect(recentOnes.allSatisfy { $0.attempts.count == 1 && !$0.trace.isEmpty })
            // A delivery still waiting keeps its trace: it is not finished.
            #expect(try await allDeliveries(store, jobId: waiting.id).allSatisfy { !$0.trace.isEmpty })
        }
    }

    /// Bounce reports name their address: old ones go, batch by batch; recent ones stay and still count.
    @Test(arguments: TestBackends.all)
    func oldBounceReportsGoAndRecentOnesStillCount(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let log = try #require(store as? any BounceStore)
            let address = "gone@example.org"
            for day in [1.0, 2, 3] {
                _ = try await log.recordBounce(
                    BounceRecord(kind: .soft, address: address, status: "4.2.2", source: "dsn"), rule: .standard, at: at(day * Self.day))
            }
            _ = try await log.recordBounce(
                BounceRecord(kind: .soft, address: address, status: "4.2.1", source: "dsn"), rule: .standard, at: Self.now - 3_600)
            let pruned = try await service(store, RetentionPolicy(bounces: 7 * Self.day, batchSize: 2)).prune()
            #expect(pruned.bounces == 3)
            #expect(try await log.bounceReports(addresses: [address]).map(\.status) == ["4.2.1"])
            #expect(try await service(store, RetentionPolicy(bounces: 7 * Self.day, batchSize: 2)).prune().total == 0)
            // The one left still counts toward the threshold.
            let next = try await log.recordBounce(
                BounceRecord(kind: .soft, address: address, status: "4.2.1", source: "dsn"), rule: .standard, at: Self.now)
            #expect(next.softBounces == 2)
        }
    }

    /// Five events a day apart (the last one recent). `crm` has read them all and parked the third; `slow` has
    /// read the first three.
    @Test(arguments: TestBackends.all)
    func oldWebhookEventsGoOnceEveryEndpointIsDoneWithThem(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let outbox = try #require(store as? any WebhookOutboxStore)
            let events = try await consentEvents(
                store, outbox, endpoints: ["crm", "slow"], at: [1, 2, 3, 4].map({ at($0 * Self.day) }) + [Self.now - 3_600])
            let ids = events.map(\.id)
            try #require(ids.count == 5)
            let parked = WebhookRetry(
                eventId: ids[2], status: .parked, attempts: 9, firstFailedAt: at(3 * Self.day),
                nextAt: at(4 * Self.day), lastError: "HTTP 503")
            #expect(
                try await outbox.advanceWebhookCursor(
                    "crm", owner: "n1", to: events[4].position, failed: [parked], error: "HTTP 503", at: Self.now))
            #expect(
                try await outbox.advanceWebhookCursor(
                    "slow", owner: "n1", to: events[2].position, failed: [], error: nil, at: Self.now))
            let policy = RetentionPolicy(webhookEvents: 7 * Self.day, batchSize: 1)
            #expect(try await service(store, policy).prune().webhookEvents == 2)
            #expect(try await outbox.webhookEvents(ids: ids).map(\.id) == Array(ids[2...]))
            // Once `slow` has read the fourth it goes too; the parked and the recent one stay.
            #expect(
                try await outbox.advanceWebhookCursor(
                    "slow", owner: "n1", to: events[4].position, failed: [], error: nil, at: Self.now))
            #expect(try await service(store, policy).prune().webhookEvents == 1)
            #expect(try await outbox.webhookEvents(ids: ids).map(\.id) == [ids[2], ids[4]])
            // Everything old: SQLite still keeps the newest event, whose id it would otherwise reuse.
            let pruning = try #require(store as? any RetentionStore)
            let pruned = try await pruning.pruneWebhookEvents(before: at(365 * Self.day), limit: 10)
            let newestKept = backend.name == "sqlite"
            #expect(pruned == (newestKept ? 0 : 1))
            #expect(try await outbox.webhookEvents(ids: ids).map(\.id) == (newestKept ? [ids[2], ids[4]] : [ids[2]]))
        }
    }

    /// An endpoint taken out of the configuration holds back pruning until `herald webhooks forget` deletes
    /// its cursor and retries.
    @Test(arguments: TestBackends.all)
    func aForgottenEndpointNoLongerHoldsBackPruning(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let outbox = try #require(store as? any WebhookOutboxStore)
            let events = try await consentEvents(
                store, outbox, endpoints: ["crm", "gone"], at: [1, 2, 3].map({ at($0 * Self.day) }))
            try #require(events.count == 3)
            let failed = WebhookRetry(
                eventId: events[0].id, status: .failed, attempts: 1, firstFailedAt: at(Self.day),
                nextAt: at(2 * Self.day), lastError: "HTTP 500")
            #expect(
                try await outbox.advanceWebhookCursor(
                    "crm", owner: "n1", to: events[2].position, failed: [], error: nil, at: Self.now))
            #expect(
                try await outbox.advanceWebhookCursor(
                    "gone", owner: "n1", to: events[0].position, failed: [failed], error: "HTTP 500", at: Self.now))
            let policy = RetentionPolicy(webhookEvents: 7 * Self.day, batchSize: 100)
            #expect(try await service(store, policy).prune().webhookEvents == 0)
            #expect(try await outbox.forgetWebhookEndpoint("gone"))
            #expect(try await outbox.forgetWebhookEndpoint("gone") == false)
            #expect(try await outbox.webhookRetries("gone", status: .failed, afterEventId: 0, limit: 10).isEmpty)
            // SQLite keeps the newest event, whose id it would otherwise give to the next one.
            #expect(try await service(store, policy).prune().webhookEvents == (backend.name == "sqlite" ? 2 : 3))
        }
    }
}

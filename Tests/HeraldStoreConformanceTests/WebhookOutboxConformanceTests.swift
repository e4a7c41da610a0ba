import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@Suite("Store conformance: webhook outbox")
struct WebhookOutboxConformanceTests {
    @Test(arguments: TestBackends.all)
    func stateChangesWriteTheirEventsInOrder(backend: TestBackend) async throws {
        try await withOutbox(backend, types: Set(WebhookEventType.allCases)) { store, outbox in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"]))
            let claimed = try #require(try await claim(store).first)
            try await store.recordOutcomes(
                [
                    DeliveryOutcome(
                        deliveryId: claimed.deliveryId, owner: "w1", attempts: [attempt(1, .sent, id: "pm-1", at: at(1))],
                        next: .sent)
                ], at: at(1))
            #expect(try await store.applyReceipt(instance: "mail-a", providerMessageId: "pm-1", state: .delivered, at: at(2)))
            _ = try await store.appendConsent(
                ConsentInput(contactId: "a", channel: "email", status: .revoked, source: "api", occurredAt: at(3)), at: at(3))
            let events = try await visible(outbox, after: try await lease(outbox), count: 5)
            #expect(
                events.map(\.type) == [
                    .jobAccepted, .deliverySent, .jobCompleted, .deliveryDelivered, .consentChanged,
                ])
            let sent = try #require(events.first { $0.type == .deliverySent })
            #expect(sent.jobId == job.id)
            #expect(sent.deliveryId == claimed.deliveryId)
            #expect(sent.contactId == "a")
            #expect(sent.channel == "email")
            #expect(sent.detail == "mail-a")
            #expect(sent.reference == "pm-1")
            #expect(sent.at == at(1))
            let consent = try #require(events.last)
            #expect(consent.detail == "revoked")
            #expect(consent.source == "api")
            // The log is read in order and ids are stable: reading again gives the same events.
            #expect(try await outbox.webhookEvents(after: .start, limit: 100).map(\.id) == events.map(\.id))
        }
    }

    @Test(arguments: TestBackends.all)
    func onlySubscribedTypesAreWritten(backend: TestBackend) async throws {
        try await withOutbox(backend, types: [.deliverySuppressed, .deliveryDeferred]) { store, outbox in
            try await store.upsertContacts(
                [contact("a", email: "a@x.io"), contact("b", email: "b@x.io"), contact("c")], at: t0)
            try await seedJob(store, spec("j", ids: ["a", "b", "c"]))
            let policy = ScriptedPolicy(verdicts: ["b": .deferUntil(at(600))])
            let claimed = try await claim(store, policy: policy)
            try await store.recordOutcomes(
                claimed.map {
                    DeliveryOutcome(deliveryId: $0.deliveryId, owner: "w1", attempts: [attempt(1, .sent)], next: .sent)
                }, at: at(1))
            let events = try await visible(outbox, after: try await lease(outbox), count: 2)
            #expect(events.map(\.type).sorted { $0.rawValue < $1.rawValue } == [.deliveryDeferred, .deliverySuppressed])
            let suppressed = try #require(events.first { $0.type == .deliverySuppressed })
            #expect(suppressed.contactId == "c")
            #expect(suppressed.detail == "no_address")
            #expect(suppressed.trace?.contains("address") == true)
            let deferred = try #require(events.first { $0.type == .deliveryDeferred })
            #expect(deferred.detail == String(at(600).millisecondsSince1970))
        }
    }

    @Test(arguments: TestBackends.all)
    func aFailedTransactionLeavesNoEvent(backend: TestBackend) async throws {
        try await withOutbox(backend, types: Set(WebhookEventType.allCases)) { store, outbox in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"]))
            let claimed = try #require(try await claim(store).first)
            // The fallback names a job that does not exist: the whole outcome transaction fails.
            let broken = NewDelivery(
                job: job.spec, jobId: 999_999, contactId: "a", channel: .sms, state: .queued, reason: nil,
                notBefore: at(1), trace: [])
            await #expect(throws: (any Error).self) {
                try await store.recordOutcomes(
                    [
                        DeliveryOutcome(
                            deliveryId: claimed.deliveryId, owner: "w1", attempts: [attempt(1, .permanent)], next: .failed,
                            fallback: broken)
                    ], at: at(1))
            }
            // A later change, so that everything committed before it is readable when it is.
            _ = try await store.appendConsent(
                ConsentInput(contactId: "a", channel: "*", status: .granted, source: "api", occurredAt: at(2)), at: at(2))
            let events = try await visible(outbox, after: try await lease(outbox), count: 2)
            #expect(events.map(\.type) == [.jobAccepted, .consentChanged])
            #expect(try await allDeliveries(store, jobId: job.id).first?.state == .sending)
        }
    }

    @Test(arguments: TestBackends.all)
    func aFallbackChannelPutsOffJobCompleted(backend: TestBackend) async throws {
        try await withOutbox(backend, types: [.jobCompleted]) { store, outbox in
            try await store.upsertContacts([contact("a", email: "a@x.io", phone: "+15550001")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"], channels: [.sms]))
            let first = try #require(try await claim(store).first)
            let fallback = NewDelivery(
                job: job.spec, jobId: job.id, contactId: "a", channel: .email, state: .queued, reason: nil,
                notBefore: at(1), trace: [])
            try await store.recordOutcomes(
                [
                    DeliveryOutcome(
                        deliveryId: first.deliveryId, owner: "w1", attempts: [attempt(1, .permanent)], next: .failed,
                        fallback: fallback)
                ], at: at(1))
            let start = try await lease(outbox)
            let second = try #require(try await claim(store, now: at(1)).first)
            try await store.recordOutcomes(
                [DeliveryOutcome(deliveryId: second.deliveryId, owner: "w1", attempts: [attempt(1, .sent)], next: .sent)],
                at: at(2))
            // One job.completed, written when the fallback delivery was sent, not when the first one failed.
            let events = try await visible(outbox, after: start, count: 1)
            #expect(events.map(\.type) == [.jobCompleted])
            #expect(events.first?.at == at(2))
            #expect(events.first?.jobId == job.id)
        }
    }

    @Test(arguments: TestBackends.all)
    func theLeaseGuardsTheCursor(backend: TestBackend) async throws {
        try await withOutbox(backend, types: [.consentChanged]) { store, outbox in
            for second in 1...3 {
                _ = try await store.appendConsent(
                    ConsentInput(contactId: "a", channel: "email", status: .granted, source: "api", occurredAt: at(0)),
                    at: at(TimeInterval(second)))
            }
            let start = try #require(
                try await outbox.leaseWebhookEndpoint("crm", owner: "n1", now: t0, leaseUntil: at(30)))
            #expect(try await outbox.leaseWebhookEndpoint("crm", owner: "n2", now: at(1), leaseUntil: at(31)) == nil)
            _ = try await visible(outbox, after: start, count: 3)
            let events = try await outbox.webhookEvents(after: start, limit: 2)
            #expect(events.count == 2)
            let end = try #require(events.last?.position)
            #expect(
                try await outbox.advanceWebhookCursor("crm", owner: "n2", to: end, failed: [], error: nil, at: at(2)) == false)
            #expect(try await outbox.advanceWebhookCursor("crm", owner: "n1", to: end, failed: [], error: nil, at: at(2)))
            // n1 dies; once its lease has run out n2 takes over where n1 left off.
            let resumed = try #require(
                try await outbox.leaseWebhookEndpoint("crm", owner: "n2", now: at(30), leaseUntil: at(60)))
            #expect(resumed == end)
            #expect(try await outbox.webhookEvents(after: resumed, limit: 10).count == 1)
            #expect(try await outbox.webhookProgress("crm").lag == 1)
            #expect(try await outbox.webhookProgress("crm").lastSuccessAt == at(2))
        }
    }

    @Test(arguments: TestBackends.all)
    func failedEventsAreRetriedParkedAndReplayed(backend: TestBackend) async throws {
        try await withOutbox(backend, types: [.consentChanged]) { store, outbox in
            for second in 1...2 {
                _ = try await store.appendConsent(
                    ConsentInput(contactId: "a", channel: "*", status: .granted, source: "api", occurredAt: at(0)),
                    at: at(TimeInterval(second)))
            }
            let start = try await lease(outbox)
            let events = try await visible(outbox, after: start, count: 2)
            let ids = events.map(\.id)
            let failed = ids.map {
                WebhookRetry(eventId: $0, status: .failed, attempts: 1, firstFailedAt: at(5), nextAt: at(10), lastError: "HTTP 500")
            }
            #expect(
                try await outbox.advanceWebhookCursor(
                    "crm", owner: "n1", to: events.last!.position, failed: failed, error: "HTTP 500", at: at(5)))
            #expect(try await outbox.dueWebhookRetries("crm", now: at(9), limit: 10).isEmpty)
            #expect(try await outbox.dueWebhookRetries("crm", now: at(10), limit: 10).map(\.eventId) == ids)
            // The first goes through; the second is given up on.
            let parked = WebhookRetry(
                eventId: ids[1], status: .parked, attempts: 9, firstFailedAt: at(5), nextAt: at(99), lastError: "HTTP 503")
            #expect(
                try await outbox.settleWebhookRetries(
                    "crm", owner: "n1", delivered: [ids[0]], retried: [parked], error: "HTTP 503", at: at(99)))
            #expect(try await outbox.webhookRetries("crm", status: .failed, afterEventId: 0, limit: 10).isEmpty)
            #expect(try await outbox.webhookRetries("crm", status: .parked, afterEventId: 0, limit: 10) == [parked])
            var progress = try await outbox.webhookProgress("crm")
            #expect(progress.parked == 1)
            #expect(progress.lastError == "HTTP 503")
            // Replaying makes it due again now; unknown ids are ignored.
            #expect(try await outbox.replayWebhookEvents("crm", eventIds: [ids[1], 987_654], at: at(100)) == 1)
            let due = try await outbox.dueWebhookRetries("crm", now: at(100), limit: 10)
            #expect(due.map(\.eventId) == [ids[1]])
            #expect(due.first?.attempts == 0)
            progress = try await outbox.webhookProgress("crm")
            #expect(progress.parked == 0)
            #expect(progress.failed == 1)
            #expect(
                try await outbox.webhookEvents(from: at(2), until: at(3), afterId: 0, limit: 10).map(\.id) == [ids[1]])
        }
    }

    @Test(arguments: TestBackends.all)
    func installingNothingStopsRecording(backend: TestBackend) async throws {
        try await withOutbox(backend, types: [.consentChanged]) { store, outbox in
            _ = try await store.appendConsent(
                ConsentInput(contactId: "a", channel: "*", status: .granted, source: "api", occurredAt: t0), at: t0)
            let start = try await lease(outbox)
            #expect(try await visible(outbox, after: start, count: 1).count == 1)
            // Webhooks taken out of the config: the next start installs nothing and nothing more is written.
            try await outbox.installWebhookEvents([], endpoints: [])
            _ = try await store.appendConsent(
                ConsentInput(contactId: "a", channel: "*", status: .revoked, source: "api", occurredAt: at(1)), at: at(1))
            try await outbox.installWebhookEvents([], endpoints: [])
            #expect(try await outbox.webhookProgress("crm").lag == 1)
        }
    }

    @Test(arguments: TestBackends.all)
    func aNewEndpointStartsAtTheEndOfTheLog(backend: TestBackend) async throws {
        try await withOutbox(backend, types: [.consentChanged]) { store, outbox in
            _ = try await store.appendConsent(
                ConsentInput(contactId: "a", channel: "*", status: .granted, source: "api", occurredAt: t0), at: t0)
            try await outbox.installWebhookEvents([.consentChanged], endpoints: ["crm", "late"])
            _ = try await store.appendConsent(
                ConsentInput(contactId: "a", channel: "*", status: .revoked, source: "api", occurredAt: at(1)), at: at(1))
            let late = try #require(
                try await outbox.leaseWebhookEndpoint("late", owner: "n1", now: t0, leaseUntil: at(30)))
            #expect(try await visible(outbox, after: try await lease(outbox), count: 2).count == 2)
            // On PostgreSQL a new cursor starts below the oldest transaction still running when it was made, so
            // it may also see an event that committed just before: never fewer, at most a few more.
            let seen = try await visible(outbox, after: late, count: 1).compactMap(\.detail)
            #expect(seen.last == "revoked")
            #expect(backend.name == "postgres" || seen == ["revoked"])
        }
    }
}

/// A store with `types` recorded for one endpoint, `crm`, installed before anything happened.
func withOutbox(
    _ backend: TestBackend, types: Set<WebhookEventType>,
    _ body: (any Store, any WebhookOutboxStore) async throws -> Void
) async throws {
    try await withStore(backend) { store, _ in
        let outbox = try #require(store as? any WebhookOutboxStore)
        try await outbox.installWebhookEvents(types, endpoints: ["crm"])
        try await body(store, outbox)
    }
}

/// The events after `position` once at least `count` are readable. On PostgreSQL an event is read only once
/// every transaction older than its own has ended, and other tests' transactions run beside this one.
func visible(
    _ outbox: any WebhookOutboxStore, after position: WebhookLogPosition, count: Int, limit: Int = 100
) async throws -> [WebhookEventRecord] {
    for _ in 0..<600 {
        let events = try await outbox.webhookEvents(after: position, limit: limit)
        if events.count >= count { return events }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await outbox.webhookEvents(after: position, limit: limit)
}

func lease(_ outbox: any WebhookOutboxStore) async throws -> WebhookLogPosition {
    try #require(try await outbox.leaseWebhookEndpoint("crm", owner: "n1", now: t0, leaseUntil: at(30)))
}

@Suite("Store conformance: webhook outbox, erasure")
struct WebhookErasureConformanceTests {
    /// The erasure work deletes contact rows; the trigger reports each one with no code of its own.
    @Test(arguments: TestBackends.all)
    func deletingAContactRecordsContactErased(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        var outbox = try #require(store as? any WebhookOutboxStore)
        try await outbox.installWebhookEvents([.contactErased], endpoints: ["crm"])
        try await store.upsertContacts([contact("gone", email: "g@x.io"), contact("kept")], at: t0)
        try await store.close()
        try fixture.executeRaw("DELETE FROM contacts WHERE id = 'gone'")
        store = try await fixture.open()
        outbox = try #require(store as? any WebhookOutboxStore)
        let start = try #require(try await outbox.leaseWebhookEndpoint("crm", owner: "n1", now: t0, leaseUntil: at(30)))
        var events: [WebhookEventRecord] = []
        for _ in 0..<600 where events.isEmpty {
            events = try await outbox.webhookEvents(after: start, limit: 10)
            if events.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(events.map(\.type) == [.contactErased])
        #expect(events.map(\.contactId) == ["gone"])
        try await store.close()
    }

    /// After an erasure, events not yet sent carry the tombstone, not the erased id; only `contact.erased`
    /// names the id the caller asked to erase.
    @Test(arguments: TestBackends.all)
    func erasureLeavesTheErasedIdOnlyInContactErased(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let outbox = try #require(store as? any WebhookOutboxStore)
            try await outbox.installWebhookEvents([.consentChanged, .contactErased], endpoints: ["crm"])
            try await store.upsertContacts([contact("shirin", email: "s@x.io")], at: t0)
            let start = try #require(try await outbox.leaseWebhookEndpoint("crm", owner: "n1", now: t0, leaseUntil: at(30)))
            _ = try await store.appendConsent(
                ConsentInput(contactId: "shirin", channel: "email", status: .granted, source: "web", occurredAt: at(1)),
                at: at(1))
            let erasure = try #require(try await erase(store, "shirin"))
            var events: [WebhookEventRecord] = []
            for _ in 0..<600 where events.count < 3 {
                events = try await outbox.webhookEvents(after: start, limit: 10)
                if events.count < 3 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(events.map(\.type) == [.consentChanged, .consentChanged, .contactErased])
            #expect(events.map(\.contactId) == [erasure.tombstone, erasure.tombstone, "shirin"])
        }
    }

    /// A delivery the erasure cancels is reported as `delivery.suppressed` (`cancelled`) under the tombstone, with no
    /// trace, on every backend alike: the erased contact's decision is theirs, and the tombstone's own trace says only
    /// "erased".
    @Test(arguments: TestBackends.all)
    func aDeliveryTheErasureCancelsIsReportedWithoutItsTrace(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let outbox = try #require(store as? any WebhookOutboxStore)
            try await outbox.installWebhookEvents([.deliverySuppressed], endpoints: ["crm"])
            try await store.upsertContacts([contact("shirin", email: "s@x.io")], at: t0)
            let start = try #require(try await outbox.leaseWebhookEndpoint("crm", owner: "n1", now: t0, leaseUntil: at(30)))
            let job = try await seedJob(store, spec("otp", ids: ["shirin"]))
            let erasure = try #require(try await erase(store, "shirin"))
            #expect(erasure.deliveriesCancelled == 1)
            var events: [WebhookEventRecord] = []
            for _ in 0..<600 where events.isEmpty {
                events = try await outbox.webhookEvents(after: start, limit: 10)
                if events.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(events.map(\.type) == [.deliverySuppressed])
            #expect(events.map(\.jobId) == [job.id])
            #expect(events.map(\.contactId) == [erasure.tombstone])
            #expect(events.map(\.detail) == ["cancelled"])
            #expect(events.map(\.trace) == [nil])
        }
    }
}

import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

/// Every path that moves a delivery reports it once: fan-out, claim, outcome, receipt and cancellation each
/// write their own events (SQLite from the statements that change the rows, PostgreSQL by trigger).
@Suite("Store conformance: webhook events from every delivery path")
struct WebhookDeliveryPathsConformanceTests {
    @Test(arguments: TestBackends.all)
    func suppressedAtFanoutFailedAndDeliveredOnce(backend: TestBackend) async throws {
        let types: Set<WebhookEventType> = [.deliverySuppressed, .deliveryFailed, .deliveryDelivered]
        try await withOutbox(backend, types: types) { store, outbox in
            try await store.upsertContacts([contact("a", email: "a@x.io"), contact("b", email: "b@x.io")], at: t0)
            let job = try created(try await store.createJob(spec("j", ids: ["a", "b", "gone"]), bodyHash: "h", at: t0))
            _ = try #require(try await store.claimFanout(owner: "f", now: t0, leaseUntil: at(60)))
            let rows = ["a", "b"].map {
                NewDelivery(
                    job: job.spec, jobId: job.id, contactId: $0, channel: .email, state: .queued, reason: nil,
                    notBefore: t0, trace: [])
            }
            let unknown = NewDelivery(
                job: job.spec, jobId: job.id, contactId: "gone", channel: .email, state: .suppressed,
                reason: .noAddress, notBefore: t0, trace: [TraceStep(rule: "address", outcome: "missing", detail: "")])
            #expect(
                try await store.writeFanoutBatch(
                    FanoutBatch(
                        jobId: job.id, owner: "f", deliveries: rows + [unknown], cursor: "3", audienceAdded: 3,
                        finished: true, leaseUntil: at(60), at: t0)))
            let claimed = try await claim(store)
            let a = try #require(claimed.first { $0.contact.id == "a" })
            let b = try #require(claimed.first { $0.contact.id == "b" })
            try await store.recordOutcomes(
                [
                    DeliveryOutcome(deliveryId: a.deliveryId, owner: "w1", attempts: [attempt(1, .sent, id: "pm-a")], next: .sent),
                    DeliveryOutcome(deliveryId: b.deliveryId, owner: "w1", attempts: [attempt(1, .permanent)], next: .failed),
                ], at: at(1))
            // A provider repeating its receipt matches again but moves nothing: one `delivery.delivered`.
            #expect(try await store.applyReceipt(instance: "mail-a", providerMessageId: "pm-a", state: .delivered, at: at(2)))
            #expect(try await store.applyReceipt(instance: "mail-a", providerMessageId: "pm-a", state: .delivered, at: at(3)))
            let events = try await visible(outbox, after: try await lease(outbox), count: 3)
            #expect(events.map(\.type) == [.deliverySuppressed, .deliveryFailed, .deliveryDelivered])
            #expect(events.map(\.contactId) == ["gone", "b", "a"])
            #expect(events.first?.detail == SuppressionReason.noAddress.rawValue)
        }
    }

    @Test(arguments: TestBackends.all)
    func cancellingAJobReportsEachWaitingDelivery(backend: TestBackend) async throws {
        try await withOutbox(backend, types: [.deliverySuppressed, .deliverySent]) { store, outbox in
            try await store.upsertContacts([contact("a", email: "a@x.io"), contact("b", email: "b@x.io")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a", "b"]), notBefore: ["b": at(600)])
            let start = try await lease(outbox)
            _ = try await store.cancelJob(id: job.id, at: at(1))
            _ = try await store.cancelJob(id: job.id, at: at(2))
            let events = try await visible(outbox, after: start, count: 2)
            #expect(events.count == 2)
            #expect(Set(events.map(\.contactId)) == ["a", "b"])
            #expect(events.allSatisfy { $0.type == .deliverySuppressed && $0.detail == "cancelled" })
        }
    }
}

import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@Suite("Store conformance: cancel and delivery queries")
struct DeliveryQueryConformanceTests {
    @Test(arguments: TestBackends.all)
    func cancelSuppressesWaitingDeliveriesOnly(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts(
                ["sent", "sending", "scheduled", "queued"].map { contact($0, email: "\($0)@x.io") }, at: t0)
            let job = try await seedJob(
                store, spec("j", ids: ["sent", "sending", "scheduled", "queued"]), notBefore: ["queued": at(500)])
            let policy = ScriptedPolicy(verdicts: ["scheduled": .deferUntil(at(900))])
            let claimed = try await claim(store, lease: 3600, policy: policy)
            let sent = try #require(claimed.first { $0.contact.id == "sent" })
            try await store.recordOutcomes(
                [DeliveryOutcome(deliveryId: sent.deliveryId, owner: "w1", attempts: [attempt(1, .sent)], next: .sent)],
                at: at(1))

            let cancelled = try #require(try await store.cancelJob(id: job.id, at: at(2)))
            #expect(cancelled.status == .cancelled)
            let states = Dictionary(
                uniqueKeysWithValues: try await allDeliveries(store, jobId: job.id).map { ($0.contactId, $0) })
            #expect(states["sent"]?.state == .sent)
            #expect(states["sending"]?.state == .sending)
            #expect(states["scheduled"]?.state == .suppressed)
            #expect(states["scheduled"]?.reason == .cancelled)
            #expect(states["queued"]?.state == .suppressed)
            #expect(states["queued"]?.reason == .cancelled)
            #expect(try await store.progress(jobId: job.id).byReason == ["cancelled": 2])
            #expect(try await claim(store, now: at(1000)).isEmpty)
            #expect(try await store.cancelJob(id: job.id + 99, at: at(3)) == nil)
        }
    }

    @Test(arguments: TestBackends.all)
    func deliveriesFilterAndPageWithAttemptsAttached(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let ids = (1...5).map { "c\($0)" }
            try await store.upsertContacts(ids.map { contact($0, email: "\($0)@x.io", phone: "+1555000\($0.suffix(1))") }, at: t0)
            let job = try await seedJob(store, spec("j", ids: ids, channels: [.email, .sms], strategy: .all))
            let other = try await seedJob(store, spec("other", ids: ["c1"]))
            let claimed = try await claim(store, limit: 100)
            #expect(claimed.count == 11)
            try await store.recordOutcomes(
                claimed.map { delivery in
                    delivery.channel == .sms
                        ? DeliveryOutcome(
                            deliveryId: delivery.deliveryId, owner: "w1",
                            attempts: [attempt(1, .retry, instance: "sms-a"), attempt(1, .sent, instance: "sms-b", id: "p")],
                            next: .sent)
                        : DeliveryOutcome(deliveryId: delivery.deliveryId, owner: "w1", attempts: [attempt(1, .permanent)], next: .failed)
                }, at: at(1))

            var paged: [Delivery] = []
            var cursor: Int64?
            repeat {
                let page = try await store.deliveries(DeliveryQuery(jobId: job.id, afterId: cursor, limit: 3))
                paged += page
                cursor = page.count == 3 ? page.last?.id : nil
            } while cursor != nil
            #expect(paged.count == 10)
            #expect(paged.map(\.id) == paged.map(\.id).sorted())
            #expect(Set(paged.map(\.id)).count == 10)
            #expect(paged.allSatisfy { $0.jobId == job.id })
            #expect(paged.filter { $0.channel == .sms }.allSatisfy { $0.attempts.map(\.instance) == ["sms-a", "sms-b"] })

            let smsSent = try await store.deliveries(DeliveryQuery(jobId: job.id, channel: .sms, state: .sent))
            #expect(smsSent.count == 5)
            #expect(try await store.deliveries(DeliveryQuery(contactId: "c1")).map(\.jobId).sorted() == [job.id, job.id, other.id])
            #expect(try await store.deliveries(DeliveryQuery(state: .failed)).count == 6)
            #expect(try await store.deliveries(DeliveryQuery(since: at(2))).isEmpty)
            #expect(try await store.deliveries(DeliveryQuery(since: at(1))).count == 11)
        }
    }
}

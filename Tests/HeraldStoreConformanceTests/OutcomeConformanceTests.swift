import Foundation
import HeraldCore
import Testing

@Suite("Store conformance: recording outcomes")
struct OutcomeConformanceTests {
    @Test(arguments: TestBackends.all)
    func sentRecordsTheAttemptAndProviderId(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"]))
            let claimed = try #require(try await claim(store).first)
            try await store.recordOutcomes(
                [
                    DeliveryOutcome(
                        deliveryId: claimed.deliveryId, owner: "w1", attempts: [attempt(1, .sent, id: "pm-1", at: at(1))],
                        next: .sent, smsSegments: 2)
                ], at: at(1))
            let delivery = try #require(try await allDeliveries(store, jobId: job.id).first)
            #expect(delivery.state == .sent)
            #expect(delivery.instance == "mail-a")
            #expect(delivery.providerMessageId == "pm-1")
            #expect(delivery.smsSegments == 2)
            #expect(delivery.attemptCount == 1)
            #expect(delivery.attempts == [attempt(1, .sent, id: "pm-1", at: at(1))])
            // The send counts against caps afterwards and a provider receipt moves it on.
            #expect(try await store.policyFacts(for: [claimed.contact], since: at(-60))["a"]?.recentSends.count == 1)
            #expect(try await store.applyReceipt(instance: "mail-a", providerMessageId: "pm-1", state: .delivered, at: at(9)))
            #expect(try await store.applyReceipt(instance: "mail-b", providerMessageId: "pm-1", state: .delivered, at: at(9)) == false)
            #expect(try await allDeliveries(store, jobId: job.id).first?.state == .delivered)
        }
    }

    @Test(arguments: TestBackends.all)
    func retryReschedulesAndTheDeliveryIsDueAgainAtThatTime(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"]))
            let claimed = try #require(try await claim(store).first)
            try await store.recordOutcomes(
                [DeliveryOutcome(deliveryId: claimed.deliveryId, owner: "w1", attempts: [attempt(1, .retry)], next: .retry(at: at(30)))],
                at: at(1))
            let delivery = try #require(try await allDeliveries(store, jobId: job.id).first)
            #expect(delivery.state == .scheduled)
            #expect(delivery.notBefore == at(30))
            // A retried send never reached the contact, so it does not count against caps.
            #expect(try await store.policyFacts(for: [claimed.contact], since: at(-60))["a"]?.recentSends.isEmpty == true)
            #expect(try await claim(store, now: at(29)).isEmpty)
            let again = try await claim(store, now: at(30))
            #expect(again.map(\.attempt) == [2])
        }
    }

    @Test(arguments: TestBackends.all)
    func permanentFailureQueuesTheFallbackChannel(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io", phone: "+15550001")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"], channels: [.sms]))
            let claimed = try #require(try await claim(store).first)
            let fallback = NewDelivery(
                job: job.spec, jobId: job.id, contactId: "a", channel: .email, state: .queued, reason: nil,
                notBefore: at(1), trace: [TraceStep(rule: "fallback", outcome: "queued", detail: "sms failed")])
            try await store.recordOutcomes(
                [
                    DeliveryOutcome(
                        deliveryId: claimed.deliveryId, owner: "w1", attempts: [attempt(1, .permanent, instance: "sms-a")],
                        next: .failed, fallback: fallback)
                ], at: at(1))
            let rows = try await allDeliveries(store, jobId: job.id)
            #expect(rows.map(\.channel) == [.sms, .email])
            #expect(rows.map(\.state) == [.failed, .queued])
            #expect(rows.last?.trace.first?.rule == "fallback")
            #expect(try await claim(store, now: at(1)).map(\.channel) == [.email])
        }
    }

    @Test(arguments: TestBackends.all)
    func invalidAddressIsSuppressedForLaterDecisions(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let person = contact("a", email: "dead@x.io")
            try await store.upsertContacts([person], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"]))
            let claimed = try #require(try await claim(store).first)
            try await store.recordOutcomes(
                [
                    DeliveryOutcome(
                        deliveryId: claimed.deliveryId, owner: "w1", attempts: [attempt(1, .invalidAddress)],
                        next: .suppressed(.invalidAddress), invalidAddresses: ["dead@x.io"])
                ], at: at(1))
            #expect(try await allDeliveries(store, jobId: job.id).first?.reason == .invalidAddress)
            let facts = try await store.policyFacts(for: [person], since: at(-60))
            #expect(facts["a"]?.suppressedAddresses == ["dead@x.io"])
            // A later job to the same address is stopped by the policy before it is sent.
            let later = try await seedJob(store, spec("later", ids: ["a"]), now: at(2))
            #expect(try await claim(store, now: at(2)).isEmpty)
            #expect(try await allDeliveries(store, jobId: later.id).first?.reason == .invalidAddress)

            try await store.suppress(addresses: ["other@x.io"], reason: "complaint", at: at(3))
            let other = contact("b", email: "other@x.io")
            #expect(try await store.policyFacts(for: [other], since: t0)["b"]?.suppressedAddresses == ["other@x.io"])
        }
    }

    @Test(arguments: TestBackends.all)
    func aWorkerThatLostItsLeaseCannotChangeTheDelivery(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"]))
            let slow = try #require(try await claim(store, owner: "slow", now: t0, lease: 10).first)
            let fast = try #require(try await claim(store, owner: "fast", now: at(11), lease: 60).first)
            #expect(fast.deliveryId == slow.deliveryId)

            // The slow worker finally answers "failed": too late, the delivery belongs to "fast" now.
            try await store.recordOutcomes(
                [DeliveryOutcome(deliveryId: slow.deliveryId, owner: "slow", attempts: [attempt(1, .permanent)], next: .failed)],
                at: at(12))
            #expect(try await allDeliveries(store, jobId: job.id).first?.state == .sending)
            // Nor may it release the cap reservation the current owner holds.
            #expect(try await store.policyFacts(for: [fast.contact], since: at(-60))["a"]?.recentSends.count == 1)

            try await store.recordOutcomes(
                [DeliveryOutcome(deliveryId: fast.deliveryId, owner: "fast", attempts: [attempt(2, .sent, id: "pm")], next: .sent)],
                at: at(13))
            let delivery = try #require(try await allDeliveries(store, jobId: job.id).first)
            #expect(delivery.state == .sent)
            #expect(delivery.providerMessageId == "pm")
        }
    }
}

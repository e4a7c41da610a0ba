import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@Suite("Store conformance: claiming due deliveries")
struct ClaimConformanceTests {
    @Test(arguments: TestBackends.all)
    func transactionalLaneIsClaimedBeforeCampaign(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("m", email: "m@x.io"), contact("t", email: "t@x.io")], at: t0)
            // The campaign was queued first and is older; the transactional message still goes first.
            try await seedJob(store, spec("campaign", purpose: .marketing, ids: ["m"]), now: at(-60))
            try await seedJob(store, spec("otp", purpose: .transactional, ids: ["t"]))
            let first = try await claim(store, now: at(1), limit: 1)
            #expect(first.map(\.contact.id) == ["t"])
            #expect(first.first?.job.idempotencyKey == "otp")
            #expect(first.first?.attempt == 1)
            let second = try await claim(store, now: at(1), limit: 1)
            #expect(second.map(\.contact.id) == ["m"])
        }
    }

    @Test(arguments: TestBackends.all)
    func policyVerdictsAreAppliedInTheClaim(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts(
                [contact("send", email: "s@x.io"), contact("later", email: "l@x.io"), contact("no", email: "n@x.io")],
                at: t0)
            let job = try await seedJob(store, spec("j", ids: ["send", "later", "no", "ghost"]))
            let policy = ScriptedPolicy(verdicts: ["later": .deferUntil(at(600)), "no": .suppress(.optedOut)])
            let claimed = try await claim(store, lease: 3600, policy: policy)
            #expect(claimed.map(\.contact.id) == ["send"])

            let byContact = Dictionary(
                uniqueKeysWithValues: try await allDeliveries(store, jobId: job.id).map { ($0.contactId, $0) })
            #expect(byContact["send"]?.state == .sending)
            #expect(byContact["later"]?.state == .scheduled)
            #expect(byContact["later"]?.notBefore == at(600))
            #expect(byContact["no"]?.state == .suppressed)
            #expect(byContact["no"]?.reason == .optedOut)
            #expect(byContact["no"]?.trace.contains { $0.rule == "script" } == true)
            // A delivery whose contact the store does not know cannot be addressed.
            #expect(byContact["ghost"]?.reason == .noAddress)

            #expect(try await claim(store, now: at(599), policy: policy).isEmpty)
            let deferred = try await claim(store, now: at(600), policy: ScriptedPolicy())
            #expect(deferred.map(\.contact.id) == ["later"])
        }
    }

    @Test(arguments: TestBackends.all)
    func aLeasedDeliveryIsReclaimedOnlyAfterItsLeaseRunsOut(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            try await seedJob(store, spec("j", ids: ["a"]))
            let first = try await claim(store, owner: "w1", now: t0, lease: 120)
            #expect(first.map(\.attempt) == [1])
            // w1 crashed without answering. Before its lease ends nobody else may send the message.
            #expect(try await claim(store, owner: "w2", now: at(60)).isEmpty)
            let second = try await claim(store, owner: "w2", now: at(121))
            #expect(second.map(\.deliveryId) == first.map(\.deliveryId))
            #expect(second.map(\.attempt) == [2])
            #expect(try await claim(store, owner: "w3", now: at(122)).isEmpty)
        }
    }

    @Test(arguments: TestBackends.all)
    func aDeliveryReclaimedAfterItsJobWasCancelledIsSuppressedNotSent(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"]))
            let first = try await claim(store, owner: "w1", now: t0, lease: 120)
            #expect(first.count == 1)
            // w1 died mid-send; meanwhile the job is cancelled. The lease runs out: nobody may send it now.
            _ = try await store.cancelJob(id: job.id, at: at(10))
            #expect(try await claim(store, owner: "w2", now: at(121)).isEmpty)
            let rows = try await store.deliveries(DeliveryQuery(jobId: job.id))
            #expect(rows.map(\.state) == [.suppressed])
            #expect(rows.map(\.reason) == [.cancelled])
        }
    }

    @Test(arguments: TestBackends.all)
    func capReservationsCountAcrossClaims(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            try await seedJob(store, spec("one", ids: ["a"]))
            try await seedJob(store, spec("two", ids: ["a"]))
            let policy = ScriptedPolicy(cap: 1)
            // Both are due in one claim: the first reserves the contact's only send, the second is capped.
            let claimed = try await claim(store, policy: policy)
            #expect(claimed.count == 1)
            let facts = try await store.policyFacts(for: [contact("a", email: "a@x.io")], since: at(-3600))
            #expect(facts["a"]?.recentSends.count == 1)
            let all = try await store.deliveries(DeliveryQuery(contactId: "a"))
            #expect(all.filter { $0.reason == .capped }.count == 1)
        }
    }

    @Test(arguments: TestBackends.all)
    func aReclaimedDeliveryDoesNotCountItsOwnReservationAgainstTheCap(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            try await seedJob(store, spec("j", ids: ["a"]))
            let policy = ScriptedPolicy(cap: 1)
            let first = try await claim(store, owner: "w1", now: t0, lease: 120, policy: policy)
            #expect(first.count == 1)
            // w1 died mid-send. Its reservation is the delivery's own: the re-claim replaces it, it does not hit it.
            let second = try await claim(store, owner: "w2", now: at(121), policy: policy)
            #expect(second.map(\.deliveryId) == first.map(\.deliveryId))
            let rows = try await store.deliveries(DeliveryQuery(contactId: "a"))
            #expect(rows.map(\.state) == [.sending])
            let facts = try await store.policyFacts(for: [contact("a", email: "a@x.io")], since: at(-3600))
            #expect(facts["a"]?.recentSends.count == 1, "one reservation, not two")
        }
    }
}

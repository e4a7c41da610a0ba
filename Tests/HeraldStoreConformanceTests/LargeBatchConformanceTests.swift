import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

/// Batches bigger than one multi-row statement: every row of a fan-out, claim and outcome batch must land
/// with its own values (state, trace, attempt, reservation), however the store splits the writes.
@Suite("Store conformance: large batches")
struct LargeBatchConformanceTests {
    @Test(arguments: TestBackends.all)
    func everyRowOfALargeBatchKeepsItsOwnVerdictAndOutcome(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let ids = (0..<300).map { String(format: "c%03d", $0) }
            try await store.upsertContacts(ids.map { contact($0, email: "\($0)@x.io") }, at: t0)
            let job = try await seedJob(store, spec("big", purpose: .marketing, ids: ids))
            #expect(try await allDeliveries(store, jobId: job.id).count == 300)

            // Every tenth contact is deferred, every seventh suppressed; the rest are leased.
            var verdicts: [String: Verdict] = [:]
            for (index, id) in ids.enumerated() {
                if index % 10 == 0 { verdicts[id] = .deferUntil(at(600 + Double(index))) }
                else if index % 7 == 0 { verdicts[id] = .suppress(.optedOut) }
            }
            let claimed = try await claim(store, limit: 1000, policy: ScriptedPolicy(verdicts: verdicts))
            let leased = ids.filter { verdicts[$0] == nil }
            #expect(Set(claimed.map(\.contact.id)) == Set(leased))

            // Odd leased rows were sent, even ones asked for a retry: only the sent ones keep their reservation.
            let outcomes = claimed.map { delivery in
                let sent = Int(delivery.contact.id.dropFirst())! % 2 == 1
                return DeliveryOutcome(
                    deliveryId: delivery.deliveryId, owner: "w1",
                    attempts: [attempt(1, sent ? .sent : .retry, id: sent ? "pm-\(delivery.contact.id)" : nil, at: at(1))],
                    next: sent ? .sent : .retry(at: at(300)))
            }
            try await store.recordOutcomes(outcomes, at: at(1))

            let byContact = Dictionary(
                uniqueKeysWithValues: try await allDeliveries(store, jobId: job.id).map { ($0.contactId, $0) })
            for (index, id) in ids.enumerated() {
                let delivery = try #require(byContact[id])
                if index % 10 == 0 {
                    #expect(delivery.state == .scheduled && delivery.notBefore == at(600 + Double(index)), "\(id)")
                } else if index % 7 == 0 {
                    #expect(delivery.state == .suppressed && delivery.reason == .optedOut, "\(id)")
                } else if index % 2 == 1 {
                    #expect(delivery.state == .sent && delivery.providerMessageId == "pm-\(id)", "\(id)")
                    #expect(delivery.attempts.count == 1, "\(id)")
                } else {
                    #expect(delivery.state == .scheduled && delivery.notBefore == at(300), "\(id)")
                }
            }
            let facts = try await store.policyFacts(for: ids.map { contact($0, email: "\($0)@x.io") }, since: at(-60))
            let reserved = Set(facts.filter { !$0.value.recentSends.isEmpty }.map(\.key))
            #expect(reserved == Set(leased.filter { Int($0.dropFirst())! % 2 == 1 }))
        }
    }

    /// A claim's jobs and a batch's contacts are read in `IN` lists of a bounded size: each row must still meet
    /// its own job's spec, and each contact its own facts, wherever the lists are cut.
    @Test(arguments: TestBackends.all)
    func aClaimOverMoreJobsThanOneListHoldsGivesEachRowItsOwnJob(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let ids = (0..<300).map { String(format: "c%03d", $0) }
            try await store.upsertContacts(ids.map { contact($0, email: "\($0)@x.io") }, at: t0)
            for id in ids { _ = try await seedJob(store, spec("job-\(id)", ids: [id], text: "for \(id)")) }
            let claimed = try await claim(store, limit: 1000)
            #expect(claimed.count == 300)
            for delivery in claimed {
                #expect(delivery.job.idempotencyKey == "job-\(delivery.contact.id)")
                #expect(delivery.job.content.email?.text == "for \(delivery.contact.id)")
            }
        }
    }

    @Test(arguments: TestBackends.all)
    func factsForMoreContactsThanOneListHoldsStayWithTheirContact(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let contacts = (0..<700).map { contact(String(format: "c%03d", $0), email: String(format: "c%03d@x.io", $0)) }
            try await store.upsertContacts(contacts, at: t0)
            let revoked = Set(contacts.indices.filter { $0 % 97 == 5 }.map { contacts[$0].id })
            for id in revoked.sorted() {
                _ = try await store.appendConsent(
                    ConsentInput(
                        contactId: id, channel: "*", topic: "*", status: .revoked, source: "api", evidence: nil,
                        actor: "test", occurredAt: t0), at: t0)
            }
            let suppressed = contacts.indices.filter { $0 % 131 == 7 }.map { contacts[$0].email! }
            _ = try await #require(store as? any SuppressionStore).addSuppressions(
                suppressed.map { SuppressionEntry(address: $0, reason: "bounce") }, actor: "test", at: t0)

            let facts = try await store.policyFacts(for: contacts, since: at(-60))
            #expect(facts.count == 700)
            #expect(Set(facts.filter { !$0.value.consents.isEmpty }.map(\.key)) == revoked)
            for id in revoked { #expect(facts[id]?.consents.map(\.contactId) == [id]) }
            let withSuppression = facts.filter { !$0.value.suppressedAddresses.isEmpty }
            #expect(Set(withSuppression.flatMap(\.value.suppressedAddresses)) == Set(suppressed))
            for (id, fact) in withSuppression { #expect(fact.suppressedAddresses == ["\(id)@x.io"]) }
        }
    }
}

import Foundation
import HeraldCore
import HeraldPolicy
import HeraldTestSupport
import Testing

/// A claim reads its clock before it waits for SQLite's writer or, on PostgreSQL, for the contacts' row locks.
/// Another claim whose clock read later can commit first: its reservation is then dated after the waiting
/// claim's `now`, and must still count against the cap, with the daemon's own policy.
@Suite("Store conformance: a cap counts reservations made after a claim's clock reading")
struct CapClockConformanceTests {
    @Test(arguments: TestBackends.all)
    func aReservationCommittedFirstButStampedLaterStillCounts(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            try await seedJob(store, spec("first", ids: ["a"]))
            try await seedJob(store, spec("second", ids: ["a"]))
            let day = PolicyDuration(seconds: 86_400)
            let policy = CompliancePolicy(
                rules: PolicyRules(caps: [CapRule(purpose: .transactional, max: 1, per: day, onExceed: .drop)]))

            #expect(try await claim(store, owner: "w1", now: at(5), limit: 1, policy: policy).count == 1)
            #expect(try await claim(store, owner: "w2", now: at(1), policy: policy).isEmpty)
            let all = try await store.deliveries(DeliveryQuery(contactId: "a"))
            #expect(all.filter { $0.reason == .capped }.count == 1)
        }
    }
}

import Foundation
import HeraldCore
import Testing

/// The suppression list and its history answer the same on every backend, and what is added is what the
/// policy's address check reads.
@Suite("Store conformance: suppression list")
struct SuppressionConformanceTests {
    @Test(arguments: TestBackends.all)
    func addListFilterPageAndRemoveWithHistory(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let list = try #require(store as? any SuppressionStore)
            let added = try await list.addSuppressions(
                [
                    SuppressionEntry(address: "c@x.io", reason: "manual", note: "asked by phone"),
                    SuppressionEntry(address: "a@x.io", reason: "hard_bounce"),
                    SuppressionEntry(address: "+989121234567", reason: "complaint"),
                    SuppressionEntry(address: "a@x.io", reason: "complaint", note: "then complained"),
                ], actor: "api:abc/ops", at: t0)
            #expect(added == [true, true, true, false])

            let all = try await list.suppressions(SuppressionQuery(limit: 10))
            #expect(all.map(\.address) == ["+989121234567", "a@x.io", "c@x.io"])
            #expect(all[1] == Suppression(address: "a@x.io", reason: "complaint", note: "then complained", createdAt: t0))
            #expect(try await list.suppressions(SuppressionQuery(reason: "complaint")).map(\.address) == ["+989121234567", "a@x.io"])
            #expect(try await list.suppressions(SuppressionQuery(address: "c@x.io")).map(\.note) == ["asked by phone"])
            let first = try await list.suppressions(SuppressionQuery(limit: 2))
            let second = try await list.suppressions(SuppressionQuery(afterAddress: first.last?.address, limit: 2))
            #expect(first.map(\.address) + second.map(\.address) == all.map(\.address))

            #expect(try await list.removeSuppression(address: "a@x.io", note: "verified", actor: "cli", at: at(60)))
            #expect(try await !list.removeSuppression(address: "a@x.io", note: nil, actor: "cli", at: at(61)))
            #expect(try await list.suppressions(addresses: ["a@x.io", "c@x.io"]).map(\.address) == ["c@x.io"])

            let history = try await list.suppressionChanges(address: "a@x.io")
            #expect(history.map(\.action) == [.added, .updated, .removed])
            #expect(history.map(\.actor) == ["api:abc/ops", "api:abc/ops", "cli"])
            #expect(history.map(\.reason) == ["hard_bounce", "complaint", "complaint"])
            #expect(history.map(\.note) == [nil, "then complained", "verified"])
            #expect(history.last?.at == at(60))
        }
    }

    @Test(arguments: TestBackends.all)
    func theAddressCheckReadsWhatWasAdded(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let list = try #require(store as? any SuppressionStore)
            let ann = contact("ann", email: "Ann@x.io", phone: "+989121234567")
            try await store.upsertContacts([ann], at: t0)
            _ = try await list.addSuppressions(
                [SuppressionEntry(address: try SuppressionAddress.normalize(" Ann@x.io "), reason: "manual")],
                actor: "cli", at: t0)
            var facts = try await store.policyFacts(for: [ann], since: t0)
            #expect(facts["ann"]?.suppressedAddresses == ["Ann@x.io"])

            _ = try await list.removeSuppression(address: "Ann@x.io", note: nil, actor: "cli", at: at(1))
            facts = try await store.policyFacts(for: [ann], since: t0)
            #expect(facts["ann"]?.suppressedAddresses.isEmpty == true)
        }
    }

    /// A provider reports an internationalized address with its domain in A-labels; a compliance person may type
    /// either form. A suppression in one spelling suppresses the contact stored in the other, at fan-out and claim
    /// (the policy's facts) and in the last check before a send.
    @Test(arguments: TestBackends.all)
    func aSuppressionInEitherSpellingOfAnInternationalDomainMatches(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let list = try #require(store as? any SuppressionStore)
            let ivan = contact("ivan", email: "ivan@почта.рф")
            let olga = contact("olga", email: "olga@xn--80a1acny.xn--p1ai")
            let bob = contact("bob", email: "bob@почта.рф")
            // The same A-label form as Ivan's (IDNA folds case), on another contact.
            let ivanToo = contact("ivan-too", email: "ivan@Почта.рф")
            try await store.upsertContacts([ivan, olga, bob, ivanToo], at: t0)
            _ = try await list.addSuppressions(
                [
                    SuppressionEntry(address: "ivan@xn--80a1acny.xn--p1ai", reason: "hard_bounce"),
                    SuppressionEntry(address: "olga@почта.рф", reason: "manual"),
                ], actor: "cli", at: t0)

            let facts = try await store.policyFacts(for: [ivan, olga, bob, ivanToo], since: t0)
            #expect(facts["ivan"]?.suppressedAddresses == ["ivan@почта.рф"])
            #expect(facts["ivan-too"]?.suppressedAddresses == ["ivan@Почта.рф"])
            #expect(facts["olga"]?.suppressedAddresses == ["olga@xn--80a1acny.xn--p1ai"])
            #expect(facts["bob"]?.suppressedAddresses.isEmpty == true)

            let late = try await store.lateChanges(
                afterEvent: 0, stopsSince: nil, jobIds: [], contactIds: [],
                addresses: ["ivan@почта.рф", "olga@xn--80a1acny.xn--p1ai", "bob@почта.рф", "ivan@xn--80a1acny.xn--p1ai"])
            late.hold.end()
            #expect(
                late.stops.suppressedAddresses == [
                    "ivan@почта.рф", "olga@xn--80a1acny.xn--p1ai", "ivan@xn--80a1acny.xn--p1ai",
                ], "a spelling found stands for itself and for the other one")
        }
    }

    /// A family's phone on two contacts: its suppression holds for both, also when both are decided in one batch.
    @Test(arguments: TestBackends.all)
    func aSharedAddressIsSuppressedForEveryContactThatHasIt(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let list = try #require(store as? any SuppressionStore)
            let parent = contact("parent", phone: "+989121234567")
            let child = contact("child", phone: "+989121234567")
            try await store.upsertContacts([parent, child], at: t0)
            _ = try await list.addSuppressions(
                [SuppressionEntry(address: "+989121234567", reason: "complaint")], actor: "cli", at: t0)
            let facts = try await store.policyFacts(for: [parent, child], since: t0)
            #expect(facts["parent"]?.suppressedAddresses == ["+989121234567"])
            #expect(facts["child"]?.suppressedAddresses == ["+989121234567"])
        }
    }

    @Test(arguments: TestBackends.all)
    func anImportOfManyIsOneTransaction(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let list = try #require(store as? any SuppressionStore)
            let entries = (0..<3000).map { SuppressionEntry(address: "u\($0)@x.io", reason: "manual") }
            let added = try await list.addSuppressions(entries, actor: "cli", at: t0)
            #expect(added.allSatisfy { $0 } && added.count == 3000)
            let page = try await list.suppressions(SuppressionQuery(limit: 1000))
            #expect(page.count == 1000)
            #expect(try await list.suppressionChanges(address: "u2999@x.io").map(\.action) == [.added])
        }
    }
}

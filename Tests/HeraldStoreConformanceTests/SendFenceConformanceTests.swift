import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

/// The send fence: a stop commits at once, but its writer gets its answer (and its caller the 201) only after
/// every send whose last check read the store before it has been handed to its driver. Otherwise a message
/// checked a moment before an opt-out could still reach the provider after the opt-out was acknowledged.
@Suite("Store conformance: a stop is acknowledged only after the sends checked before it are handed over")
struct SendFenceConformanceTests {
    private func revocation(_ id: String, _ status: ConsentStatus = .revoked) -> ConsentInput {
        ConsentInput(
            contactId: id, channel: "*", topic: "*", status: status, source: "test", evidence: nil, actor: "t",
            occurredAt: t0)
    }

    private func check(_ store: any Store) async throws -> LateChanges {
        try await store.lateChanges(afterEvent: 0, stopsSince: nil, jobIds: [], contactIds: ["a"], addresses: [])
    }

    /// Runs `stop` while a check's hold is open: it must commit (another reader sees `committed`) but not return
    /// until the hold ends.
    private func expectHeldBack(
        _ store: any Store, by hold: SendHold, committed: @escaping @Sendable () async throws -> Bool,
        _ stop: @escaping @Sendable () async throws -> Void
    ) async throws {
        let returned = Flag()
        let writer = Task {
            try await stop()
            returned.raise()
        }
        var visible = false
        for _ in 0..<200 where !visible {
            visible = try await committed()
            if !visible { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(visible, "the stop should commit while the hold is open")
        try await Task.sleep(for: .milliseconds(300))
        #expect(!returned.isRaised, "the stop returned while a send checked before it was open")
        hold.end()
        try await writer.value
        #expect(returned.isRaised)
    }

    @Test(arguments: TestBackends.all)
    func aRevocationIsAnsweredOnlyAfterTheSendsCheckedBeforeIt(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let checked = try await check(store)
            try await expectHeldBack(store, by: checked.hold) {
                try await store.consentEvents(contactId: "a").count == 1
            } _: {
                _ = try await store.appendConsent(revocation("a"), at: t0)
            }
        }
    }

    /// A grant stops nothing, so it does not wait for sends in flight.
    @Test(arguments: TestBackends.all)
    func aGrantDoesNotWaitForSendsInFlight(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let checked = try await check(store)
            let event = try await store.appendConsent(revocation("a", .granted), at: t0)
            #expect(event.status == .granted)
            checked.hold.end()
        }
    }

    @Test(arguments: TestBackends.all)
    func aCancelIsAnsweredOnlyAfterTheSendsCheckedBeforeIt(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"]))
            let checked = try await check(store)
            try await expectHeldBack(store, by: checked.hold) {
                try await store.job(id: job.id)?.status == .cancelled
            } _: {
                _ = try await store.cancelJob(id: job.id, at: at(1))
            }
        }
    }

    @Test(arguments: TestBackends.all)
    func aSuppressionIsAnsweredOnlyAfterTheSendsCheckedBeforeIt(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let list = try #require(store as? any SuppressionStore)
            let checked = try await check(store)
            try await expectHeldBack(store, by: checked.hold) {
                try await !list.suppressions(addresses: ["a@x.io"]).isEmpty
            } _: {
                _ = try await list.addSuppressions([SuppressionEntry(address: "a@x.io", reason: "manual")], actor: "t", at: t0)
            }
        }
    }

    @Test(arguments: TestBackends.all)
    func anErasureIsAnsweredOnlyAfterTheSendsCheckedBeforeIt(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let checked = try await check(store)
            try await expectHeldBack(store, by: checked.hold) {
                try await store.contact(id: "a") == nil
            } _: {
                _ = try await ContactEraser.erase("a", store: store, settings: ErasureSettings(), actor: "t", at: at(1))
            }
        }
    }

    /// PostgreSQL: the check on one node holds back a revocation recorded through another node's store.
    @Test(arguments: TestBackends.all.filter { $0.name == "postgres" })
    func aRevocationOnOneNodeWaitsForTheOtherNodesSends(backend: TestBackend) async throws {
        try await withStore(backend) { store, fixture in
            let other = try await fixture.open()
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let checked = try await check(store)
            try await expectHeldBack(store, by: checked.hold) {
                try await store.consentEvents(contactId: "a").count == 1
            } _: {
                _ = try await other.appendConsent(revocation("a"), at: t0)
            }
            try await other.close()
        }
    }
}

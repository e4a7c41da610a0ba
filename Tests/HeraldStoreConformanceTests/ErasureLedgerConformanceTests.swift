import Foundation
import HeraldCore
import Testing

@Suite("Store conformance: erasure on a large ledger, and tampering with erased events")
struct ErasureLedgerConformanceTests {
    /// 10,000 events over 100 contacts, each with personal evidence, through the bulk import.
    private func bigLedger(_ store: any Store) async throws {
        let importer = try #require(store as? any ConsentImportStore)
        let inputs = (0..<10_000).map { n in
            ConsentInput(
                contactId: "c\(n % 100)", channel: ["email", "sms", "*"][n % 3], topic: n % 7 == 0 ? "news" : "*",
                status: n % 5 == 0 ? .revoked : .granted, source: "import",
                evidence: ["ip": .string("10.0.\(n % 256).\(n % 100)"), "form": .string("form v\(n % 9)")],
                occurredAt: at(Double(n)))
        }
        _ = try await importer.importConsents(inputs, at: at(20_000), progress: nil)
    }

    @Test(arguments: TestBackends.all)
    func tenThousandEventsVerifyBeforeAndAfterErasures(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await bigLedger(store)
            guard case .ok(10_000, _) = try await ConsentChainCheck.verify(store) else {
                Issue.record("the imported ledger does not verify")
                return
            }
            for id in ["c7", "c42", "c99"] { _ = try #require(try await erase(store, id, at: at(30_000))) }
            let after = try await ConsentChainCheck.verify(store)
            #expect(after == .ok(events: 10_003, headHash: try await head(store)))
            #expect(try await store.consentEvents(contactId: "c42") == [])
            #expect(try await store.consentEvents(contactId: "c43").count == 100)
        }
    }

    @Test(arguments: TestBackends.all)
    func movingAnErasedEventToAnotherContactBreaksTheChain(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        let events = try await sample(store)
        let erasure = try #require(try await erase(store, "a"))
        try await store.close()
        // Someone gives contact "b" the erased grant: the erasure event no longer accounts for it.
        try fixture.executeRaw("UPDATE consent_events SET contact_id = 'b' WHERE id = \(events[0].id)")
        store = try await fixture.open()
        #expect(
            try await ConsentChainCheck.verify(store)
                == .broken(eventId: erasure.ledgerEventId, index: 3, problem: "erasure event names an event it did not erase"))
        try await store.close()
    }

    @Test(arguments: TestBackends.all)
    func blankingALiveEventPassesForNoErasure(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        let events = try await sample(store)
        try await store.close()
        // Removing the salt makes the event look erased, but no erasure event names it.
        try fixture.executeRaw("UPDATE consent_events SET salt = NULL, evidence = NULL WHERE id = \(events[1].id)")
        store = try await fixture.open()
        #expect(
            try await ConsentChainCheck.verify(store)
                == .broken(eventId: events[1].id, index: 1, problem: "erased without an erasure event naming it"))
        try await store.close()
    }

    @Test(arguments: TestBackends.all)
    func editingEvidenceBreaksTheChainAtThatEvent(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        let events = try await sample(store)
        try await store.close()
        try fixture.executeRaw("UPDATE consent_events SET evidence = '{\"ip\":\"1.2.3.4\"}' WHERE id = \(events[2].id)")
        store = try await fixture.open()
        #expect(
            try await ConsentChainCheck.verify(store)
                == .broken(eventId: events[2].id, index: 2, problem: "hash does not match the event's content"))
        try await store.close()
    }

    private func sample(_ store: any Store) async throws -> [ConsentEvent] {
        var events: [ConsentEvent] = []
        for (n, id) in ["a", "b", "a"].enumerated() {
            events.append(
                try await store.appendConsent(
                    ConsentInput(
                        contactId: id, channel: "email", status: .granted, source: "api",
                        evidence: ["ip": .string("192.0.2.\(n)")], occurredAt: at(Double(n))), at: at(Double(n))))
        }
        return events
    }
}

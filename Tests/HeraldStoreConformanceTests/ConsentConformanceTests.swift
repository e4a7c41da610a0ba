import Foundation
import HeraldCore
import Testing

@Suite("Store conformance: consent ledger and restart")
struct ConsentConformanceTests {
    @Test(arguments: TestBackends.all)
    func appendsFormOneVerifiableChain(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let events = try await appendSample(store, count: 5)
            #expect(events.first?.prevHash == ConsentChain.genesis)
            for (previous, next) in zip(events, events.dropFirst()) {
                #expect(next.prevHash == previous.hash)
                #expect(next.id > previous.id)
            }
            let exported = try await exportAll(store, pageSize: 2)
            #expect(exported == events)
            #expect(try await verify(store) == .ok(events: 5, headHash: events[4].hash))
            #expect(try await store.consentEvents(contactId: "u1").map(\.id) == [events[1].id, events[3].id])
            #expect(try await store.consentEvents(ConsentExportQuery(since: at(2), until: at(4))).map(\.id) == [events[2].id, events[3].id])
            let facts = try await store.policyFacts(for: [contact("u1")], since: t0)
            #expect(facts["u1"]?.consents.map(\.status) == [.granted, .granted])
        }
    }

    /// The policy reads ledger events through a narrower query than the audit's; every field it keeps must
    /// be the one the ledger holds (distinct values, so two swapped columns cannot pass). Evidence and the chain
    /// hashes are left out (`ConsentEvent.policyColumns`).
    @Test(arguments: TestBackends.all)
    func policyFactsCarryTheLedgersFieldsExceptEvidenceAndHashes(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await appendSample(store, count: 1)
            let input = ConsentInput(
                contactId: "u9", channel: "sms", topic: "news", status: .revoked, source: "form",
                evidence: ["ip": "203.0.113.9"], actor: "agent-7", occurredAt: at(-30))
            let appended = try await store.appendConsent(input, at: at(5))
            let read = try #require(try await store.policyFacts(for: [contact("u9")], since: t0)["u9"]?.consents.first)
            #expect(read.id == appended.id && read.contactId == "u9")
            #expect(read.channel == "sms" && read.topic == "news" && read.source == "form" && read.actor == "agent-7")
            #expect(read.status == .revoked)
            #expect(read.occurredAt == appended.occurredAt && read.recordedAt == appended.recordedAt)
            #expect(read.prevHash.isEmpty && read.hash.isEmpty && !appended.hash.isEmpty)
            #expect(read.evidence == nil)
        }
    }

    @Test(arguments: TestBackends.all)
    func editingARowBreaksTheChainAtThatEvent(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        let events = try await appendSample(store, count: 4)
        try await store.close()

        try fixture.executeRaw("UPDATE consent_events SET status = 'granted' WHERE id = \(events[2].id)")
        store = try await fixture.open()
        #expect(try await verify(store) == .broken(eventId: events[2].id, index: 2, problem: "hash does not match the event's content"))
        try await store.close()
    }

    @Test(arguments: TestBackends.all)
    func deletingAMiddleRowBreaksTheChainAtTheNextEvent(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        let events = try await appendSample(store, count: 4)
        try await store.close()

        try fixture.executeRaw("DELETE FROM consent_events WHERE id = \(events[1].id)")
        store = try await fixture.open()
        #expect(
            try await verify(store)
                == .broken(eventId: events[2].id, index: 1, problem: "prev_hash does not match the event before it"))
        try await store.close()
    }

    @Test(arguments: TestBackends.all)
    func everythingSurvivesCloseAndReopen(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        try await store.upsertContacts([contact("a", email: "a@x.io"), contact("b", email: "b@x.io")], at: t0)
        let job = try await seedJob(store, spec("j", ids: ["a", "b"]))
        let claimed = try #require(try await claim(store, limit: 1).first)
        let before = try await appendSample(store, count: 2)
        try await store.close()

        store = try await fixture.open()
        #expect(try await store.contact(id: "a")?.email == "a@x.io")
        #expect(try await store.job(id: job.id)?.status == .active)
        // The delivery claimed before the restart is still leased; the other one is still due.
        let pending = try await claim(store, owner: "w2", now: at(1))
        #expect(pending.count == 1)
        #expect(pending.first?.deliveryId != claimed.deliveryId)
        // The ledger continues the same chain.
        let next = try await store.appendConsent(
            ConsentInput(contactId: "a", channel: "*", status: .revoked, source: "api", occurredAt: at(20)), at: at(20))
        #expect(next.prevHash == before.last?.hash)
        #expect(try await verify(store) == .ok(events: 3, headHash: next.hash))
        try await store.close()
    }

    private func appendSample(_ store: any Store, count: Int) async throws -> [ConsentEvent] {
        var events: [ConsentEvent] = []
        for index in 0..<count {
            let input = ConsentInput(
                contactId: "u\(index % 2)", channel: index % 2 == 0 ? "email" : "*", topic: "*",
                status: index == 2 ? .revoked : .granted, source: "signup", evidence: ["ip": .string("203.0.113.\(index)")],
                actor: "tester", occurredAt: at(Double(index)))
            events.append(try await store.appendConsent(input, at: at(Double(index))))
        }
        return events
    }

    private func exportAll(_ store: any Store, pageSize: Int) async throws -> [ConsentEvent] {
        var all: [ConsentEvent] = []
        var afterId: Int64 = 0
        while true {
            let page = try await store.consentEvents(ConsentExportQuery(afterId: afterId, limit: pageSize))
            all += page
            guard let last = page.last, page.count == pageSize else { return all }
            afterId = last.id
        }
    }

    private func verify(_ store: any Store) async throws -> ConsentChain.Verification {
        var verifier = ConsentChain.Verifier()
        for event in try await exportAll(store, pageSize: 2) { verifier.feed(event) }
        return verifier.result
    }
}

import Foundation
import HeraldCore
import Testing

/// Bulk consent import: appended to the chain in file order, originals kept, all or nothing, on every backend.
@Suite("Store conformance: bulk consent import")
struct ConsentImportConformanceTests {
    /// 10,000 events as another system exported them: times out of order, evidence on each.
    static func history(_ count: Int = 10_000, poisonAt: Int? = nil) -> [ConsentInput] {
        (0..<count).map { index in event(index, poisoned: index + 1 == poisonAt) }
    }

    private static func event(_ index: Int, poisoned: Bool) -> ConsentInput {
        let evidence: JSONValue = .object([
            "ip": .string("198.51.100.\(index % 250)"), "form": .string("v\(index % 4)"),
        ])
        let seconds = Double(-86_400 + (index * 37) % 50_000)
        return ConsentInput(
            contactId: poisoned ? "poison" : "m\(index % 997)", channel: index % 3 == 0 ? "*" : "email",
            topic: index % 5 == 0 ? "newsletter" : "*", status: index % 7 == 0 ? .revoked : .granted,
            source: "legacy_esp", evidence: evidence, actor: "migration", occurredAt: at(seconds))
    }

    @Test(arguments: TestBackends.all)
    func aGoodImportExtendsTheChainInFileOrderAndVerifies(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let importer = try #require(store as? any ConsentImportStore)
            let before = try await store.appendConsent(
                ConsentInput(contactId: "live", channel: "sms", status: .granted, source: "form", occurredAt: t0), at: t0)
            let inputs = Self.history()
            let seen = ProgressSeen()
            let result = try await importer.importConsents(inputs, at: at(60)) { done in seen.set(done) }
            #expect(result.imported == 10_000)
            #expect(result.firstId == before.id + 1)
            #expect(result.lastId == before.id + 10_000)
            #expect(seen.value == 10_000)

            let events = try await exportAll(store)
            #expect(events.count == 10_001)
            #expect(events[1].prevHash == before.hash)
            #expect(events.last?.hash == result.headHash)
            #expect(Array(events.dropFirst().map(\.input)) == inputs.map { input in
                var kept = input
                kept.occurredAt = input.occurredAt.truncatedToMilliseconds
                return kept
            })
            #expect(events.dropFirst().allSatisfy { $0.recordedAt == at(60) })
            #expect(verify(events) == .ok(events: 10_001, headHash: result.headHash))

            // The chain goes on from the imported head.
            let after = try await store.appendConsent(
                ConsentInput(contactId: "live", channel: "sms", status: .revoked, source: "sms_keyword", occurredAt: at(70)),
                at: at(70))
            #expect(after.prevHash == result.headHash)
            #expect(verify(try await exportAll(store)) == .ok(events: 10_002, headHash: after.hash))
        }
    }

    @Test(arguments: TestBackends.all)
    func aFailureInsideTheImportWritesNothing(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        let before = try await store.appendConsent(
            ConsentInput(contactId: "live", channel: "sms", status: .granted, source: "form", occurredAt: t0), at: t0)
        try await store.close()
        // The database itself refuses event 5,000, after 4,999 were written in the same transaction.
        try fixture.executeRaw(
            backend.name == "sqlite"
                ? "CREATE TRIGGER poison BEFORE INSERT ON consent_events WHEN NEW.contact_id = 'poison' "
                    + "BEGIN SELECT RAISE(ABORT, 'poisoned'); END;"
                : "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.contact_id = 'poison' "
                    + "THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$; "
                    + "CREATE TRIGGER poison BEFORE INSERT ON consent_events FOR EACH ROW EXECUTE FUNCTION poison();")
        store = try await fixture.open()
        let importer = try #require(store as? any ConsentImportStore)
        await #expect(throws: (any Error).self) {
            _ = try await importer.importConsents(Self.history(poisonAt: 5_000), at: at(60), progress: nil)
        }
        let events = try await exportAll(store)
        #expect(events.map(\.id) == [before.id])
        #expect(verify(events) == .ok(events: 1, headHash: before.hash))
        // A clean import afterwards starts right after the old head.
        let result = try await importer.importConsents(Self.history(3), at: at(61), progress: nil)
        #expect(result.firstId == before.id + 1)
        #expect(verify(try await exportAll(store)) == .ok(events: 4, headHash: result.headHash))
        try await store.close()
    }

    @Test(arguments: TestBackends.all)
    func aBrokenLineOfTheFileReachesNoStore(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let lines = (1...10_000).map { number in
                number == 5_000
                    ? #"{"contact_id":"m5000","channel":"fax","status":"granted","source":"legacy_esp","occurred_at":"2023-01-01T00:00:00Z"}"#
                    : #"{"contact_id":"m\#(number)","channel":"email","status":"granted","source":"legacy_esp","evidence":{"ip":"198.51.100.7"},"occurred_at":"2023-01-01T00:00:00Z"}"#
            }
            let data = Data(lines.joined(separator: "\n").utf8)
            let error = #expect(throws: HeraldError.self) {
                try ConsentBatch.decode(data, now: t0, defaultActor: "import")
            }
            #expect(error?.field == "line 5000")
            let written = try await exportAll(store)
            #expect(written.isEmpty)
        }
    }

    private func exportAll(_ store: any Store) async throws -> [ConsentEvent] {
        var all: [ConsentEvent] = []
        var afterId: Int64 = 0
        while true {
            let page = try await store.consentEvents(ConsentExportQuery(afterId: afterId, limit: 5000))
            all += page
            guard let last = page.last, page.count == 5000 else { return all }
            afterId = last.id
        }
    }

    private func verify(_ events: [ConsentEvent]) -> ConsentChain.Verification {
        var verifier = ConsentChain.Verifier()
        for event in events { verifier.feed(event) }
        return verifier.result
    }
}

/// The last count an import's progress callback reported.
final class ProgressSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var last = 0

    func set(_ done: Int) { lock.withLock { last = done } }

    var value: Int { lock.withLock { last } }
}

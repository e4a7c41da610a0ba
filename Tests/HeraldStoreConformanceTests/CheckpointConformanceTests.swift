import Foundation
import HeraldCore
import Testing

/// Signed checkpoints are kept and paged the same on every backend, and a ledger whose tail was deleted
/// behind the store's back no longer reaches them: `LedgerAudit.verify` names the cut.
@Suite("Store conformance: ledger checkpoints")
struct CheckpointConformanceTests {
    let key = CheckpointKey()

    @Test(arguments: TestBackends.all)
    func headAndCheckpointsAreKeptAndPaged(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let checkpoints = try #require(store as? any CheckpointStore)
            #expect(try await checkpoints.ledgerHead() == nil)
            #expect(try await checkpoints.latestCheckpoint() == nil)
            let events = try await append(store, count: 5)
            let head = try #require(try await checkpoints.ledgerHead())
            #expect(head == LedgerHead(events: 5, headEventId: events[4].id, headHash: events[4].hash))

            var stored: [LedgerCheckpoint] = []
            for second in 0..<3 {
                stored.append(try await checkpoints.appendCheckpoint(try key.sign(head, at: at(Double(60 * second)))))
            }
            #expect(Set(stored.map(\.id)).count == 3)
            #expect(try await checkpoints.latestCheckpoint() == stored[2])
            let first = try await checkpoints.checkpoints(afterId: 0, limit: 2)
            let second = try await checkpoints.checkpoints(afterId: first.last?.id ?? 0, limit: 2)
            #expect(first + second == stored)
            #expect(stored.allSatisfy(key.publicKey.isValidSignature(of:)))
            #expect(try await LedgerAudit.storedCheckpoints(checkpoints) == stored)
        }
    }

    @Test(arguments: TestBackends.all)
    func anUntouchedLedgerReachesEveryCheckpoint(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let checkpoints = try #require(store as? any CheckpointStore)
            _ = try await append(store, count: 3)
            _ = try await checkpoints.appendCheckpoint(try key.sign(try #require(try await checkpoints.ledgerHead()), at: at(60)))
            _ = try await append(store, count: 4, from: 3)
            _ = try await checkpoints.appendCheckpoint(try key.sign(try #require(try await checkpoints.ledgerHead()), at: at(120)))
            let result = try await verifyStored(store)
            #expect(result.ok)
            #expect(result.checkpointsMet == 2)
            #expect(result.checkpointProblems.isEmpty)
        }
    }

    @Test(arguments: TestBackends.all)
    func deletingTheLastEventIsNamedAsACutTail(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        let events = try await append(store, count: 6)
        let checkpoints = try #require(store as? any CheckpointStore)
        _ = try await checkpoints.appendCheckpoint(try key.sign(try #require(try await checkpoints.ledgerHead()), at: at(60)))
        try await store.close()

        try fixture.executeRaw("DELETE FROM consent_events WHERE id = \(events[5].id)")
        store = try await fixture.open()
        let result = try await verifyStored(store)
        try await store.close()
        #expect(!result.ok)
        #expect(result.chain == .ok(events: 5, headHash: events[4].hash))
        #expect(result.checkpointProblems.count == 1)
        #expect(result.checkpointProblems.first?.hasPrefix("chain ends at event 5 but checkpoint signed at ") == true)
        #expect(result.checkpointProblems.first?.contains("covers 6 events") == true)
        #expect(result.checkpointProblems.first?.hasSuffix("the tail was cut") == true)
    }

    @Test(arguments: TestBackends.all)
    func deletingTheLastThousandEventsIsNamedAsACutTail(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        let importer = try #require(store as? any ConsentImportStore)
        let granted = (0..<200).map { input("c\($0)", .granted, second: $0) }
        let revoked = (0..<1000).map { input("c\($0 % 200)", .revoked, second: 200 + $0) }
        _ = try await importer.importConsents(granted, at: at(1), progress: nil)
        let checkpoints = try #require(store as? any CheckpointStore)
        _ = try await checkpoints.appendCheckpoint(try key.sign(try #require(try await checkpoints.ledgerHead()), at: at(60)))
        let imported = try await importer.importConsents(revoked, at: at(2), progress: nil)
        let signed = try await checkpoints.appendCheckpoint(
            try key.sign(try #require(try await checkpoints.ledgerHead()), at: at(120)))
        #expect(signed.events == 1200)
        try await store.close()

        // All the revocations go: what an attacker wanting to message these people again would delete.
        try fixture.executeRaw("DELETE FROM consent_events WHERE id >= \(try #require(imported.firstId))")
        store = try await fixture.open()
        let result = try await verifyStored(store)
        try await store.close()
        #expect(!result.ok)
        #expect(result.checkpointsMet == 1)
        #expect(
            result.checkpointProblems == [
                "chain ends at event 200 but checkpoint signed at \(Timestamp.format(at(120))) covers 1200 events "
                    + "(up to event id \(signed.headEventId)): the tail was cut"
            ])
    }

    @Test(arguments: TestBackends.all)
    func aTailCutAndRegrownIsNamedAsARewrite(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        let events = try await append(store, count: 4)
        let checkpoints = try #require(store as? any CheckpointStore)
        _ = try await checkpoints.appendCheckpoint(try key.sign(try #require(try await checkpoints.ledgerHead()), at: at(60)))
        try await store.close()

        try fixture.executeRaw("DELETE FROM consent_events WHERE id >= \(events[2].id)")
        store = try await fixture.open()
        _ = try await append(store, count: 3, from: 10)  // the chain grows past the checkpoint again, differently
        let result = try await verifyStored(store)
        try await store.close()
        #expect(!result.ok)
        #expect(result.checkpointProblems.count == 1)
        #expect(result.checkpointProblems.first?.contains("covers 4 events") == true)
        #expect(result.checkpointProblems.first?.hasSuffix("the ledger was rewritten after that point") == true)
    }

    @Test(arguments: TestBackends.all)
    func aForgedCheckpointFailsAndAnotherNodesIsSkippedWithANote(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let checkpoints = try #require(store as? any CheckpointStore)
            _ = try await append(store, count: 2)
            let head = try #require(try await checkpoints.ledgerHead())
            var forged = try key.sign(head, at: at(60))
            forged.events = 1
            _ = try await checkpoints.appendCheckpoint(forged)
            let otherNode = CheckpointKey()
            let foreign = try await checkpoints.appendCheckpoint(try otherNode.sign(head, at: at(61)))
            let result = try await verifyStored(store)
            #expect(!result.ok)
            #expect(result.checkpointProblems.count == 1)
            #expect(result.checkpointProblems[0].hasSuffix("does not carry a valid signature: it was altered or forged"))
            // Another node's own key: left unchecked and said so, not a failure.
            #expect(result.skippedKeys == [otherNode.publicKey.id: 1])
            #expect(result.skippedNote?.contains(otherNode.publicKey.id) == true)
            // Given from elsewhere, the same checkpoint must be signed by a trusted key.
            let given = try await LedgerAudit.verify(store, given: [foreign], trusted: [key.publicKey])
            #expect(given.checkpointProblems.first?.hasSuffix("which is not a trusted key") == true)
            let trusted = try await LedgerAudit.verify(store, given: [foreign], trusted: [key.publicKey, otherNode.publicKey])
            #expect(trusted.ok)
            #expect(trusted.checkpointsMet == 1)
        }
    }

    private func verifyStored(_ store: any Store) async throws -> LedgerVerification {
        let checkpoints = try #require(store as? any CheckpointStore)
        return try await LedgerAudit.verify(
            store, stored: try await LedgerAudit.storedCheckpoints(checkpoints), trusted: [key.publicKey])
    }

    private func input(_ contactId: String, _ status: ConsentStatus, second: Int) -> ConsentInput {
        ConsentInput(
            contactId: contactId, channel: "sms", status: status, source: "import", occurredAt: at(Double(second)))
    }

    private func append(_ store: any Store, count: Int, from start: Int = 0) async throws -> [ConsentEvent] {
        var events: [ConsentEvent] = []
        for index in start..<(start + count) {
            events.append(try await store.appendConsent(input("u\(index % 3)", .granted, second: index), at: at(Double(index))))
        }
        return events
    }
}

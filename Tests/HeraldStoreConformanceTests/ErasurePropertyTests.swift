import Foundation
import HeraldCore
import PropertyBased
import Testing

/// For any interleaving of grants, revocations, bulk imports and erasures: the chain verifies end to end,
/// and every contact's history is exactly the events recorded since its last erasure.
@Suite("Store conformance: ledger properties under erasure")
struct ErasurePropertyTests {
    enum Op: Sendable, CustomStringConvertible {
        case record(contact: Int, channel: String, topic: String, status: ConsentStatus)
        case importBatch([(contact: Int, channel: String, topic: String, status: ConsentStatus)])
        case erase(contact: Int)

        var description: String {
            switch self {
            case .record(let c, let channel, let topic, let status): "record(c\(c) \(channel)/\(topic) \(status))"
            case .importBatch(let rows): "import(\(rows.map { "c\($0.contact) \($0.channel)/\($0.topic) \($0.status)" }))"
            case .erase(let c): "erase(c\(c))"
            }
        }
    }

    static let channels = ["email", "sms", "*"]
    static let topics = ["*", "news"]
    static let op = zip(Gen.int(in: 0...9), Gen.int(in: 0...3), Gen.int(in: 0...2), Gen.int(in: 0...1)).map {
        kind, contact, channel, topic -> Op in
        switch kind {
        case 0...3: .record(contact: contact, channel: channels[channel], topic: topics[topic], status: .granted)
        case 4...6: .record(contact: contact, channel: channels[channel], topic: topics[topic], status: .revoked)
        case 7...8:
            .importBatch(
                (0...channel).map { n in
                    ((contact + n) % 4, channels[(channel + n) % 3], topics[(topic + n) % 2], n % 2 == 0 ? .granted : .revoked)
                })
        default: .erase(contact: contact)
        }
    }

    struct Recorded: Equatable {
        var channel: String
        var topic: String
        var status: ConsentStatus
        var evidence: JSONValue?
    }

    @Test(arguments: TestBackends.all)
    func verifyHoldsAndHistoriesAreWhatTheEventsSay(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let importer = try #require(store as? any ConsentImportStore)
            await propertyCheck(count: backend.name == "sqlite" ? 60 : 20, input: Self.op.array(of: 1...16)) { ops in
                do {
                    try await Self.run(ops, store: store, importer: importer)
                } catch {
                    Issue.record("\(ops) failed: \(error)")
                }
            }
        }
    }

    /// One run on its own contact ids, on the ledger the earlier runs left behind.
    static func run(_ ops: [Op], store: any Store, importer: any ConsentImportStore) async throws {
        let prefix = "p" + UUID().uuidString.prefix(8).lowercased() + "-"
        guard case .ok(let startCount, _) = try await ConsentChainCheck.verify(store) else {
            Issue.record("the ledger was broken before \(ops)")
            return
        }
        var model: [Int: [Recorded]] = [:]
        var appended = 0
        var clock = 0.0
        func input(_ contact: Int, _ channel: String, _ topic: String, _ status: ConsentStatus) -> ConsentInput {
            clock += 1
            return ConsentInput(
                contactId: prefix + "c\(contact)", channel: channel, topic: topic, status: status, source: "prop",
                evidence: ["ip": .string("10.0.0.\(Int(clock))")], occurredAt: at(clock))
        }
        for op in ops {
            switch op {
            case .record(let contact, let channel, let topic, let status):
                let event = input(contact, channel, topic, status)
                _ = try await store.appendConsent(event, at: at(clock))
                model[contact, default: []].append(Recorded(channel: channel, topic: topic, status: status, evidence: event.evidence))
                appended += 1
            case .importBatch(let rows):
                let inputs = rows.map { input($0.contact, $0.channel, $0.topic, $0.status) }
                _ = try await importer.importConsents(inputs, at: at(clock), progress: nil)
                for (row, event) in zip(rows, inputs) {
                    model[row.contact, default: []].append(
                        Recorded(channel: row.channel, topic: row.topic, status: row.status, evidence: event.evidence))
                }
                appended += inputs.count
            case .erase(let contact):
                let erasure = try await erase(store, prefix + "c\(contact)", at: at(clock))
                #expect((erasure != nil) == !(model[contact] ?? []).isEmpty)
                if erasure != nil { appended += 1 }
                model[contact] = []
            }
        }
        let result = try await ConsentChainCheck.verify(store)
        #expect(result == .ok(events: startCount + appended, headHash: try await head(store)), "\(ops)")
        for contact in 0..<4 {
            let id = prefix + "c\(contact)"
            let stored = try await store.consentEvents(contactId: id).map {
                Recorded(channel: $0.channel, topic: $0.topic, status: $0.status, evidence: $0.evidence)
            }
            #expect(stored == model[contact] ?? [], "c\(contact) after \(ops)")
            // What the policy reads is the same history.
            let facts = try await store.policyFacts(for: [HeraldCore.Contact(id: id)], since: t0)
            let decided = (facts[id]?.consents ?? []).map { "\($0.channel)/\($0.topic)/\($0.status)" }
            #expect(decided == (model[contact] ?? []).map { "\($0.channel)/\($0.topic)/\($0.status)" }, "c\(contact) policy after \(ops)")
        }
    }
}

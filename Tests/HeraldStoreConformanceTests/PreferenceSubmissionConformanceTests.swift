import Foundation
import HeraldCore
import Testing

/// What the preference centre asks of a store, on every backend: one submission's changes appended together
/// after the live ledger, read back by the policy's fact loader and, with their evidence, in the contact's history; the chain intact.
@Suite("Store conformance: preference-centre submissions")
struct PreferenceSubmissionConformanceTests {
    static let evidence: JSONValue = .object([
        "time": "2023-11-14T22:13:20Z", "ip": "203.0.113.9", "user_agent": "Mozilla/5.0 (Linux; Android 14) موبایل",
        "token_id": "q1w2e3r4t5y6", "action": "save", "form": "preference_centre",
    ])

    static func change(_ channel: String, _ topic: String, _ status: ConsentStatus) -> ConsentInput {
        ConsentInput(
            contactId: "maryam", channel: channel, topic: topic, status: status, source: "preference_centre",
            evidence: evidence, actor: "recipient", occurredAt: at(30))
    }

    @Test(arguments: TestBackends.all)
    func aSubmissionIsAppendedTogetherAndReachesThePolicyFacts(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("maryam", email: "maryam@example.ir")], at: t0)
            let signup = try await store.appendConsent(
                ConsentInput(contactId: "maryam", channel: "email", topic: "news", status: .granted, source: "form", occurredAt: t0),
                at: t0)
            let importer = try #require(store as? any ConsentImportStore)
            let submission = [Self.change("email", "news", .revoked), Self.change("email", "offers", .granted)]
            let result = try await importer.importConsents(submission, at: at(30), progress: nil)
            #expect(result.firstId == signup.id + 1 && result.lastId == signup.id + 2)

            let facts = try await store.policyFacts(for: [contact("maryam", email: "maryam@example.ir")], since: t0)
            let consents = try #require(facts["maryam"]?.consents)
            #expect(consents.map(\.id) == [signup.id, signup.id + 1, signup.id + 2])
            // The policy's facts carry no evidence (it decides without it); the history keeps it whole.
            #expect(consents.dropFirst().map { "\($0.channel):\($0.topic):\($0.status.rawValue):\($0.source)" }
                == ["email:news:revoked:preference_centre", "email:offers:granted:preference_centre"])
            let history = try await store.consentEvents(contactId: "maryam")
            #expect(history.dropFirst().map(\.input) == submission.map { input in
                var kept = input
                kept.occurredAt = input.occurredAt.truncatedToMilliseconds
                return kept
            })
            // The history chains them; the policy's facts leave the chain hashes out (`ConsentEvent.policyColumns`).
            #expect(history[1].prevHash == signup.hash && history[2].prevHash == history[1].hash)
            #expect(consents.allSatisfy { $0.prevHash.isEmpty && $0.hash.isEmpty })

            var verifier = ConsentChain.Verifier()
            for event in try await store.consentEvents(ConsentExportQuery(afterId: 0, limit: 100)) { verifier.feed(event) }
            #expect(verifier.result == .ok(events: 3, headHash: result.headHash))
        }
    }
}

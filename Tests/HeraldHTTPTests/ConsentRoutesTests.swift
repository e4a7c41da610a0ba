import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Consent ledger routes")
struct ConsentRoutesTests {
    @Test("POST /v1/consents is 201 {id, hash} and chains each event to the one before")
    func created() async throws {
        try await HeraldHarness.run { app in
            let first = try await app.send(.post, "/v1/consents", as: .enqueue, body: consent("u1", "sms", "granted"))
            #expect(first.status == .created)
            let firstJSON = try first.json()
            #expect(firstJSON["id"] as? Int != nil)
            let hash = try #require(firstJSON["hash"] as? String)
            #expect(hash.count == 64)

            _ = try await app.send(.post, "/v1/consents", as: .compliance, body: consent("u1", "sms", "revoked"))
            let history = try await app.send(.get, "/v1/contacts/u1/consents", as: .compliance).json()
            let events = history["events"] as? [[String: Any]] ?? []
            #expect(events.count == 2)
            #expect(events.last?["prev_hash"] as? String == hash)
            #expect(events.first?["actor"] as? String == "enqueue")
        }
    }

    @Test("history shows the current state per channel and topic")
    func currentState() async throws {
        try await HeraldHarness.run { app in
            for body in [
                consent("u1", "sms", "granted"), consent("u1", "email", "granted", topic: "newsletter"),
                consent("u1", "sms", "revoked"), consent("u1", "email", "granted", topic: "loyalty"),
                consent("u2", "*", "revoked"),
            ] {
                let checked1 = try await app.send(.post, "/v1/consents", as: .enqueue, body: body)
                #expect(checked1.status == .created)
            }
            let history = try await app.send(.get, "/v1/contacts/u1/consents", as: .compliance).json()
            #expect(history["contact_id"] as? String == "u1")
            #expect((history["events"] as? [Any])?.count == 4)
            let current = (history["current"] as? [[String: Any]] ?? []).map {
                "\($0["channel"] as? String ?? "")/\($0["topic"] as? String ?? "")=\($0["status"] as? String ?? "")"
            }
            #expect(current == ["email/loyalty=granted", "email/newsletter=granted", "sms/*=revoked"])

            // The contact view carries the same current state.
            _ = try await app.send(.put, "/v1/contacts/u1", as: .enqueue, body: "{}")
            let view = try await app.send(.get, "/v1/contacts/u1", as: .ops).json()
            #expect((view["consent"] as? [Any])?.count == 3)
        }
    }

    @Test(
        "invalid consent bodies are 400 naming the field",
        arguments: [
            (consent("u1", "fax", "granted"), "invalid_field", "channel"),
            (consent("u1", "sms", "maybe"), "invalid_value", "status"),
            (consent("", "sms", "granted"), "invalid_field", "contact_id"),
            (consent("u1", "sms", "granted", extra: #", "occurred_at": "2999-01-01T00:00:00Z""#), "invalid_field", "occurred_at"),
            (#"{"contact_id": "u1", "channel": "sms", "status": "granted"}"#, "missing_field", "source"),
            (consent("u1", "sms", "granted", extra: #", "evidence": "#), "invalid_json", nil),
            (consent("u1", "sms", "granted", extra: #", "evidence": "form""#), "invalid_type", "evidence"),
            (consent("u1", "sms", "granted", extra: #", "evidence": ["198.51.100.7"]"#), "invalid_type", "evidence"),
            (consent("u1", "sms", "granted", extra: #", "evidence": 7"#), "invalid_type", "evidence"),
            (consent("u1", "sms", "granted", extra: #", "evidence": true"#), "invalid_type", "evidence"),
        ])
    func invalid(body: String, code: String, field: String?) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/consents", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == code)
            #expect(try response.error().field == field)
            let checked2 = try await app.store.consentEvents(contactId: "u1")
            #expect(checked2.isEmpty)
        }
    }
}

/// A consent event body with source `signup_form`.
func consent(_ contact: String, _ channel: String, _ status: String, topic: String? = nil, extra: String = "") -> String {
    let topicField = topic.map { #", "topic": "\#($0)""# } ?? ""
    return """
        {"contact_id": "\(contact)", "channel": "\(channel)", "status": "\(status)", "source": "signup_form"\(topicField)\(extra)}
        """
}

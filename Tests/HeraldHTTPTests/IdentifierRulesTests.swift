import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

/// Ids (contacts, topics) refuse control characters and over-long values with a 400 naming the field;
/// nothing is ever stored under a shortened id.
@Suite("Identifier rules")
struct IdentifierRulesTests {
    static let long = String(repeating: "x", count: 257)

    @Test("a NUL in a consent's contact_id is refused, not recorded for the shorter id")
    func consentContactIdWithNUL() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/consents", as: .enqueue, body: consent(#"victim\u0000x"#, "sms", "revoked"))
            #expect(response.status == .badRequest)
            #expect(try response.error().code == "control_characters")
            #expect(try response.error().field == "contact_id")
            #expect(try await app.store.consentEvents(contactId: "victim").isEmpty)
        }
    }

    @Test(
        "consent ids are bounded and free of control characters",
        arguments: [
            (consent(Self.long, "sms", "granted"), "invalid_field", "contact_id"),
            (consent("u1", "sms", "granted", topic: #"news\u0001"#), "control_characters", "topic"),
            (consent("u1", "sms", "granted", topic: String(repeating: "t", count: 101)), "invalid_field", "topic"),
            (consent("u1", "sms", "granted", extra: #", "actor": "a\u0000b""#), "control_characters", "actor"),
            (#"{"contact_id": "u1", "channel": "sms", "status": "granted", "source": "form\u007f"}"#, "control_characters", "source"),
        ])
    func consentFields(body: String, code: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/consents", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == code)
            #expect(try response.error().field == field)
        }
    }

    @Test("a batch id with a NUL is refused and leaves the contact it would have cut to untouched")
    func batchIdWithNUL() async throws {
        try await HeraldHarness.run { app in
            let victim = #"{"phone": "+989121234567", "email": "v@example.com"}"#
            #expect(try await app.send(.put, "/v1/contacts/victim", as: .enqueue, body: victim).status == .ok)
            for body in [#"[{"id": "victim\u0000evil", "phone": "+15550001"}]"#, #"{"id": "victim\u0000evil"}"#] {
                let response = try await app.send(.post, "/v1/contacts/batch", as: .enqueue, body: body)
                #expect(response.status == .badRequest)
                #expect(try response.error().code == "control_characters")
                #expect(try response.error().field == "[0].id")
            }
            let stored = try await app.store.contact(id: "victim")
            #expect(stored?.phone == "+989121234567")
            #expect(stored?.email == "v@example.com")
        }
    }

    @Test("contact address fields refuse control characters")
    func contactTextFields() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.put, "/v1/contacts/u1", as: .enqueue, body: #"{"telegram_chat_id": "4\u00002"}"#)
            #expect(response.status == .badRequest)
            #expect(try response.error().field == "telegram_chat_id")
        }
    }

    @Test(
        "job audience ids and topics are checked at intake",
        arguments: [
            (jobJSON(audience: #"{"contact_ids": ["u1", "u\u0000"]}"#), "control_characters", "audience.contact_ids[1]"),
            (jobJSON(audience: #"{"contact_ids": ["\#(Self.long)"]}"#), "invalid_field", "audience.contact_ids[0]"),
            (jobJSON(extra: #", "topic": "news\u000a""#), "control_characters", "topic"),
            (jobJSON(key: #"key\u0000b"#), "control_characters", "idempotency_key"),
        ])
    func jobIds(body: String, code: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == code)
            #expect(try response.error().field == field)
        }
    }

    @Test("path and query ids over 256 characters are 400, not a lookup")
    func overLongRouteIds() async throws {
        try await HeraldHarness.run { app in
            for uri in ["/v1/contacts/\(Self.long)", "/v1/contacts/\(Self.long)/consents", "/v1/deliveries?contact_id=\(Self.long)"] {
                let response = try await app.send(.get, uri, as: .admin)
                #expect(response.status == .badRequest, "\(uri.prefix(30))")
                #expect(try response.error().field == (uri.contains("?") ? "contact_id" : "id"))
            }
            let put = try await app.send(.put, "/v1/contacts/\(Self.long)", as: .enqueue, body: "{}")
            #expect(put.status == .badRequest)
        }
    }
}

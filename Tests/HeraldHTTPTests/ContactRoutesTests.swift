import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Contacts")
struct ContactRoutesTests {
    @Test("PUT stores a contact that GET returns, attributes exactly as sent")
    func upsertAndRead() async throws {
        try await HeraldHarness.run { app in
            let body = """
                {"timezone": "Asia/Tehran", "locale": "fa-IR", "phone": "+989121234567", "email": "sara@example.com",
                 "push_tokens": [{"platform": "fcm", "token": "tok-1"}], "telegram_chat_id": "42",
                 "attributes": {"first_name": "سارا", "firstName": "camel", "tags": ["vip"], "days_inactive": 31}}
                """
            let put = try await app.send(.put, "/v1/contacts/u1", as: .enqueue, body: body)
            #expect(put.status == .ok)
            #expect(try put.json()["id"] as? String == "u1")

            let get = try await app.send(.get, "/v1/contacts/u1", as: .ops)
            #expect(get.status == .ok)
            let contact = try get.json()["contact"] as? [String: Any] ?? [:]
            #expect(contact["phone"] as? String == "+989121234567")
            #expect(contact["telegram_chat_id"] as? String == "42")
            #expect((contact["push_tokens"] as? [[String: Any]])?.first?["token"] as? String == "tok-1")
            let attributes = contact["attributes"] as? [String: Any] ?? [:]
            #expect(attributes["first_name"] as? String == "سارا")
            #expect(attributes["firstName"] as? String == "camel")
            #expect(attributes["days_inactive"] as? Int == 31)
            #expect((try get.json()["consent"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("an unknown contact is 404 not_found")
    func unknownContact() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.get, "/v1/contacts/nobody", as: .compliance)
            #expect(response.status == .notFound)
            #expect(try response.error().code == "not_found")
        }
    }

    @Test(
        "invalid contacts are refused with the code and snake_case field",
        arguments: [
            (#"{"phone": "09121234567"}"#, "invalid_phone", "phone"),
            (#"{"whatsapp": "+0"}"#, "invalid_phone", "whatsapp"),
            (#"{"timezone": "Mars/Olympus"}"#, "invalid_timezone", "timezone"),
            // Foundation takes these, no tz database has them, and "UTC+11" is +11 where IANA's Etc/GMT+11 is −11.
            (#"{"timezone": "UTC+11"}"#, "invalid_timezone", "timezone"),
            (#"{"timezone": "GMT+3:30"}"#, "invalid_timezone", "timezone"),
            (#"{"timezone": "SystemV/AST4"}"#, "invalid_timezone", "timezone"),
            (#"{"email": "not-an-address"}"#, "invalid_email", "email"),
            (#"{"phone": 989121234567}"#, "invalid_type", "phone"),
            (#"{"push_tokens": [{"platform": "fcm"}]}"#, "missing_field", "push_tokens[0].token"),
            (#"{"push_tokens": [{"platform": "fcm", "token": ""}]}"#, "invalid_field", "push_tokens[0].token"),
            (#"{"telegram_chat_id": true}"#, "invalid_type", "telegram_chat_id"),
        ])
    func invalidContact(body: String, code: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.put, "/v1/contacts/u1", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == code)
            #expect(error.field == field)
            let checked1 = try await app.send(.get, "/v1/contacts/u1")
            #expect(checked1.status == .notFound)
        }
    }

    @Test("malformed JSON is 400 invalid_json")
    func malformedJSON() async throws {
        try await HeraldHarness.run { app in
            for body in [#"{"phone": "+98912"#, "not json", ""] {
                let response = try await app.send(.put, "/v1/contacts/u1", as: .enqueue, body: body)
                #expect(response.status == .badRequest)
                #expect(try response.error().code == "invalid_json")
            }
        }
    }

    @Test("a batch with one bad contact names it and writes nothing")
    func batchIsAllOrNothing() async throws {
        try await HeraldHarness.run { app in
            let body = """
                [{"id": "b1", "phone": "+989121234567"}, {"id": "b2", "email": "b2@example.com"},
                 {"id": "b3", "phone": "12345"}]
                """
            let response = try await app.send(.post, "/v1/contacts/batch", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == "invalid_phone")
            #expect(error.field == "[2].phone")
            let checked2 = try await app.send(.get, "/v1/contacts/b1")
            #expect(checked2.status == .notFound)
            let checked3 = try await app.send(.get, "/v1/contacts/b2")
            #expect(checked3.status == .notFound)
        }
    }

    @Test("a batch missing an id names the line")
    func batchMissingId() async throws {
        try await HeraldHarness.run { app in
            let body = "{\"id\": \"n1\"}\n{\"phone\": \"+989121234567\"}\n"
            let response = try await app.send(
                .post, "/v1/contacts/batch", as: .enqueue, body: body, contentType: "application/x-ndjson")
            #expect(response.status == .badRequest)
            #expect(try response.error().code == "missing_field")
            #expect(try response.error().field == "[1].id")
            let checked4 = try await app.send(.get, "/v1/contacts/n1")
            #expect(checked4.status == .notFound)
        }
    }

    @Test("an NDJSON batch upserts every line, blank lines skipped")
    func ndjsonBatch() async throws {
        try await HeraldHarness.run { app in
            let body = """
                {"id": "n1", "phone": "+989121234567"}

                {"id": "n2", "email": "n2@example.com", "attributes": {"country": "IR"}}
                {"id": "n3", "timezone": "Europe/Moscow"}

                """
            let response = try await app.send(
                .post, "/v1/contacts/batch", as: .enqueue, body: body, contentType: "application/x-ndjson")
            #expect(response.status == .ok)
            #expect(try response.json()["upserted"] as? Int == 3)
            for id in ["n1", "n2", "n3"] {
                let checked5 = try await app.send(.get, "/v1/contacts/\(id)")
                #expect(checked5.status == .ok)
            }
        }
    }

    @Test("an empty batch is refused")
    func emptyBatch() async throws {
        try await HeraldHarness.run { app in
            for body in ["\n\n", " [ ]"] {
                let response = try await app.send(.post, "/v1/contacts/batch", as: .enqueue, body: body)
                #expect(response.status == .badRequest)
                #expect(try response.error().code == "empty_batch")
            }
        }
    }

    @Test("a body over the upload limit is 413 payload_too_large")
    func oversizedBody() async throws {
        try await HeraldHarness.run { app in
            let body = String(repeating: " ", count: 64 * 1024 * 1024 + 1)
            let response = try await app.send(.post, "/v1/contacts/batch", as: .enqueue, body: body)
            #expect(response.status == .contentTooLarge)
            #expect(try response.error().code == "payload_too_large")
        }
    }
}

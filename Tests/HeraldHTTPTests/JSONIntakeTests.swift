import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

/// Bodies are read as sent: a key given twice is refused (parsers disagree on which one wins), numbers
/// are kept exactly, and a 400 explains the field without Swift's decoder text.
@Suite("JSON intake")
struct JSONIntakeTests {
    static let big = "123456789012345678901234567890"

    @Test(
        "a key given twice is 400 duplicate_key naming it, at any depth",
        arguments: [
            ("/v1/consents", #"{"contact_id": "u1", "contact_id": "u2", "channel": "sms", "status": "granted", "source": "f"}"#, "contact_id"),
            ("/v1/consents", consent("u1", "sms", "granted", extra: #", "evidence": {"ip": "1", "i\u0070": "2"}"#), "evidence.ip"),
            ("/v1/jobs", jobJSON(extra: #", "purpose": "marketing""#), "purpose"),
            ("/v1/contacts/batch", #"[{"id": "a"}, {"id": "b", "email": "b@x.io", "email": "c@x.io"}]"#, "[1].email"),
            ("/v1/contacts/batch", "{\"id\": \"a\"}\n{\"id\": \"b\", \"id\": \"c\"}", "[1].id"),
        ])
    func duplicateKeys(path: String, body: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, path, as: .admin, body: body)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == "duplicate_key")
            #expect(try response.error().field == field)
            #expect(try await app.store.consentEvents(contactId: "u1").isEmpty)
            #expect(try await app.store.contact(id: "a") == nil)
        }
    }

    @Test("a big number in evidence comes back exactly and the chain still verifies")
    func evidenceNumbersExact() async throws {
        try await HeraldHarness.run { app in
            let evidence = #", "evidence": {"n": \#(Self.big), "f": 1.0000000000000001, "small": 0.1, "i": 42}"#
            let created = try await app.send(.post, "/v1/consents", as: .enqueue, body: consent("u1", "sms", "granted", extra: evidence))
            #expect(created.status == .created)
            let history = try await app.send(.get, "/v1/contacts/u1/consents", as: .compliance)
            #expect(history.text.contains(#""n":\#(Self.big)"#))
            #expect(history.text.contains(#""f":1.0000000000000001"#))
            #expect(history.text.contains(#""small":0.1"#))
            #expect(history.text.contains(#""i":42"#))
            let verify = try await app.send(.get, "/v1/audit/verify", as: .compliance)
            #expect(try verify.json()["ok"] as? Bool == true)
        }
    }

    @Test("a big number in attributes comes back exactly")
    func attributeNumbersExact() async throws {
        try await HeraldHarness.run { app in
            let put = try await app.send(.put, "/v1/contacts/u1", as: .enqueue, body: #"{"attributes": {"id_number": \#(Self.big)}}"#)
            #expect(put.status == .ok)
            let get = try await app.send(.get, "/v1/contacts/u1", as: .ops)
            #expect(get.text.contains(#""id_number":\#(Self.big)"#))
        }
    }

    @Test("a number with more digits than can be kept exactly is refused, not rounded")
    func tooPrecise() async throws {
        try await HeraldHarness.run { app in
            let digits = String(repeating: "9", count: 40)
            let response = try await app.send(
                .post, "/v1/consents", as: .enqueue, body: consent("u1", "sms", "granted", extra: #", "evidence": {"n": \#(digits)}"#))
            #expect(response.status == .badRequest)
            #expect(try response.error().code == "number_too_precise")
            #expect(try response.error().field == "evidence.n")
        }
    }

    @Test(
        "400 messages name the field without Swift's decoder text",
        arguments: [
            ("/v1/consents", consent("u1", "sms", "maybe"), "status"),
            ("/v1/jobs", jobJSON(purpose: #""promo""#), "purpose"),
        ])
    func noDecoderText(path: String, body: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, path, as: .admin, body: body)
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.field == field)
            let message = error.message ?? ""
            #expect(!message.isEmpty)
            for leak in ["Cannot initialize", "Status", "Purpose", "String value", "Swift", "debug"] {
                #expect(!message.contains(leak), "\(leak)")
            }
        }
    }
}

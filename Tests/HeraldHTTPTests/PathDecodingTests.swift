import Foundation
import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

/// Path parameters are percent-decoded before they are used as ids, so every id a body can carry is
/// reachable by its URL and `a%20b` means `a b`.
@Suite("Path decoding")
struct PathDecodingTests {
    static func encoded(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    @Test("a contact created by batch with a non-Latin id, a space and a slash is reachable by its URL")
    func nonLatinIdWithSlash() async throws {
        try await HeraldHarness.run { app in
            let id = "کاربر-۱ a/b"
            let batch = try await app.send(.post, "/v1/contacts/batch", as: .enqueue, body: #"[{"id": "\#(id)", "email": "k@example.com"}]"#)
            #expect(batch.status == .ok)
            #expect(try await app.send(.post, "/v1/consents", as: .enqueue, body: consent(id, "email", "granted")).status == .created)

            let get = try await app.send(.get, "/v1/contacts/\(Self.encoded(id))", as: .ops)
            #expect(get.status == .ok)
            #expect((try get.json()["contact"] as? [String: Any])?["id"] as? String == id)
            let history = try await app.send(.get, "/v1/contacts/\(Self.encoded(id))/consents", as: .compliance)
            #expect(history.status == .ok)
            #expect((try history.json()["events"] as? [Any])?.count == 1)
        }
    }

    @Test("PUT /v1/contacts/a%20b creates the contact `a b`")
    func putDecodesTheId() async throws {
        try await HeraldHarness.run { app in
            let put = try await app.send(.put, "/v1/contacts/a%20b", as: .enqueue, body: "{}")
            #expect(put.status == .ok)
            #expect(try put.json()["id"] as? String == "a b")
            #expect(try await app.store.contact(id: "a b") != nil)
            #expect(try await app.store.contact(id: "a%20b") == nil)
        }
    }

    @Test("an encoded control character or a broken escape in a path id is 400")
    func badEscapes() async throws {
        try await HeraldHarness.run { app in
            let nul = try await app.send(.put, "/v1/contacts/victim%00x", as: .enqueue, body: "{}")
            #expect(nul.status == .badRequest)
            #expect(try nul.error().code == "control_characters")
            #expect(try nul.error().field == "id")
            let broken = try await app.send(.get, "/v1/contacts/a%zz", as: .ops)
            #expect(broken.status == .badRequest)
            #expect(try broken.error().field == "id")
        }
    }
}

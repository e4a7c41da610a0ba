import Foundation
import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("DELETE /v1/contacts/{id}")
struct ErasureRoutesTests {
    static let contact = """
        {"email": "leyla.route@example.org", "phone": "+989121110000", "timezone": "Asia/Tehran",
         "attributes": {"first_name": "Leyla"}}
        """
    static let grant = """
        {"contact_id": "leyla", "channel": "email", "status": "granted", "source": "form",
         "evidence": {"ip": "203.0.113.9", "user_agent": "RouteAgent/1.0"}}
        """

    @Test("compliance and admin keys erase; the chain verifies before and after; the contact is gone")
    func erases() async throws {
        try await HeraldHarness.run { app in
            #expect(try await app.send(.put, "/v1/contacts/leyla", as: .enqueue, body: Self.contact).status == .ok)
            #expect(try await app.send(.post, "/v1/consents", as: .compliance, body: Self.grant).status == .created)
            #expect(try await app.send(.get, "/v1/audit/verify", as: .compliance).json()["ok"] as? Bool == true)

            for role in [Role.enqueue, .ops] {
                #expect(try await app.send(.delete, "/v1/contacts/leyla", as: role).status == .forbidden)
            }
            let erased = try await app.send(.delete, "/v1/contacts/leyla", as: .compliance)
            #expect(erased.status == .ok)
            let body = try erased.json()
            let tombstone = try #require(body["tombstone"] as? String)
            #expect(tombstone.hasPrefix("erased-"))
            #expect(body["ledger_events_erased"] as? Int == 1)
            #expect(!erased.text.contains("leyla"))

            let verify = try await app.send(.get, "/v1/audit/verify", as: .compliance).json()
            #expect(verify["ok"] as? Bool == true)
            #expect(verify["events"] as? Int == 2)
            #expect(try await app.send(.get, "/v1/contacts/leyla", as: .compliance).status == .notFound)
            let export = try await app.send(.get, "/v1/audit/consents", as: .compliance).text
            #expect(!export.contains("203.0.113.9") && !export.contains("RouteAgent") && !export.contains("\"leyla\""))
            #expect(export.contains("\"source\":\"erasure\""))
            // Nothing left to erase, and an admin key may erase too.
            #expect(try await app.send(.delete, "/v1/contacts/leyla", as: .admin).status == .notFound)
            #expect(try await app.send(.put, "/v1/contacts/leyla", as: .enqueue, body: Self.contact).status == .ok)
            #expect(try await app.send(.delete, "/v1/contacts/leyla", as: .admin).status == .ok)
        }
    }

    @Test("the dashboard shows an erased history as erased")
    func dashboard() async throws {
        try await HeraldHarness.run { app in
            #expect(try await app.send(.put, "/v1/contacts/leyla", as: .enqueue, body: Self.contact).status == .ok)
            #expect(try await app.send(.post, "/v1/consents", as: .compliance, body: Self.grant).status == .created)
            let tombstone = try #require(
                try await app.send(.delete, "/v1/contacts/leyla", as: .compliance).json()["tombstone"] as? String)
            let page = try await app.send(.get, "/ui/contact?id=\(tombstone)", as: .compliance)
            #expect(page.status == .ok)
            #expect(page.text.contains("Erased contact"))
            #expect(page.text.contains("<strong>erased</strong>"))
            #expect(page.text.contains("<em>erased</em>"))
            #expect(!page.text.contains("203.0.113.9"))
        }
    }

    @Test("a tombstone or a malformed id is a 400 with a stable code, an unknown id a 404")
    func badIds() async throws {
        try await HeraldHarness.run { app in
            #expect(try await app.send(.delete, "/v1/contacts/nobody", as: .compliance).status == .notFound)
            let tombstone = try await app.send(.delete, "/v1/contacts/erased-0123abcd", as: .compliance)
            #expect(tombstone.status == .badRequest)
            #expect((try tombstone.json()["error"] as? [String: Any])?["code"] as? String == "already_erased")
        }
    }
}

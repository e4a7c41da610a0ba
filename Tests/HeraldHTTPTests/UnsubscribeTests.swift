import Foundation
import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("One-click unsubscribe (RFC 8058)")
struct UnsubscribeTests {
    static let token = UnsubscribeToken(contactId: "u1", channel: "email", topic: "newsletter")
        .signed(secret: HeraldHarness.secret)

    @Test("GET shows a confirmation form and records nothing")
    func getRecordsNothing() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.get, "/u/\(Self.token)", as: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(response.text.contains(#"<form method="post">"#))
            #expect(response.text.contains("newsletter"))
            let checked1 = try await app.store.consentEvents(contactId: "u1")
            #expect(checked1.isEmpty)
        }
    }

    @Test("POST records a revocation with source email_one_click for the token's scope")
    func postRevokes() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(
                .post, "/u/\(Self.token)", as: nil, body: "List-Unsubscribe=One-Click",
                contentType: "application/x-www-form-urlencoded")
            #expect(response.status == .ok)
            let events = try await app.store.consentEvents(contactId: "u1")
            #expect(events.count == 1)
            #expect(events.first?.status == .revoked)
            #expect(events.first?.source == "email_one_click")
            #expect(events.first?.channel == "email")
            #expect(events.first?.topic == "newsletter")
        }
    }

    @Test("a link signed before its contact was erased does not act for a contact stored later under the same id")
    func linkOutlivesErasure() async throws {
        try await HeraldHarness.run { app in
            let store = app.store
            let erasure = try #require(store as? any ContactErasureStore)
            try await store.upsertContacts([Contact(id: "u1", email: "first@example.com")], at: HeraldHarness.now)
            let link = TemplateLinks.unsubscribeLink(
                baseURL: "", secret: HeraldHarness.secret, contactId: "u1", channel: "email", topic: "newsletter",
                now: HeraldHarness.now)
            let token = String(link.dropFirst("/u/".count))
            _ = try await erasure.eraseContact("u1", actor: "test", at: HeraldHarness.now, addressDigest: nil)
            try await store.upsertContacts([Contact(id: "u1", email: "second@example.com")], at: HeraldHarness.now + 600)
            for method in [HTTPRequest.Method.get, .post] {
                let response = try await app.send(
                    method, "/u/\(token)", as: nil, body: "List-Unsubscribe=One-Click",
                    contentType: "application/x-www-form-urlencoded")
                #expect(response.status == .badRequest, "\(method)")
                #expect(try response.error().code == "invalid_token")
            }
            #expect(try await store.consentEvents(contactId: "u1").isEmpty, "no revocation in the new contact's name")
            let fresh = TemplateLinks.unsubscribeLink(
                baseURL: "", secret: HeraldHarness.secret, contactId: "u1", channel: "email", topic: "newsletter",
                now: HeraldHarness.now + 610)
            let response = try await app.send(
                .post, fresh, as: nil, body: "List-Unsubscribe=One-Click", contentType: "application/x-www-form-urlencoded")
            #expect(response.status == .ok)
        }
    }

    @Test("a tampered or foreign token is 400 invalid_token and records nothing")
    func tampered() async throws {
        try await HeraldHarness.run { app in
            let parts = Self.token.split(separator: ".")
            let otherPayload = UnsubscribeToken(contactId: "u2", channel: "*", topic: "*")
                .signed(secret: HeraldHarness.secret).split(separator: ".")[0]
            let foreign = UnsubscribeToken(contactId: "u1", channel: "email", topic: "newsletter")
                .signed(secret: Array("other-secret".utf8))
            for bad in ["\(otherPayload).\(parts[1])", foreign, "garbage", String(parts[0])] {
                for method in [HTTPRequest.Method.get, .post] {
                    let response = try await app.send(method, "/u/\(bad)", as: nil)
                    #expect(response.status == .badRequest)
                    #expect(try response.error().code == "invalid_token")
                }
            }
            let checked2 = try await app.store.consentEvents(contactId: "u1")
            #expect(checked2.isEmpty)
            let checked3 = try await app.store.consentEvents(contactId: "u2")
            #expect(checked3.isEmpty)
        }
    }
}

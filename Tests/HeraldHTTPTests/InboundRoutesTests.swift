import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import HummingbirdTesting
import NIOCore
import Testing

/// Stands in for the daemon's profile-driven parser: the body text is the reply, from a fixed number.
struct ReplyParser: InboundHandling {
    func parse(channelId: String, headers: [String: String], query: String?, body: Data) async throws -> [InboundAction] {
        guard channelId == "sms-main" else { throw HeraldError.notFound("channel") }
        guard headers["x-secret"] == "s3cret" || query == "secret=s3cret" else {
            throw HeraldError(code: "unauthenticated", message: "bad channel secret", statusCode: 401)
        }
        return [.reply(from: "+989121234567", text: String(decoding: body, as: UTF8.self))]
    }
}

@Suite("Inbound provider callbacks")
struct InboundRoutesTests {
    @Test("with no inbound channels configured, /v1/inbound is 404")
    func noInboundChannels() async throws {
        try await HeraldHarness.run { app in
            for method in [HTTPRequest.Method.get, .post] {
                let response = try await app.send(method, "/v1/inbound/sms-main", as: nil)
                #expect(response.status == .notFound)
                #expect(try response.error().code == "not_found")
            }
        }
    }

    @Test("a STOP reply revokes SMS consent for every contact with that number, keeping the text as evidence")
    func stopReply() async throws {
        try await HeraldHarness.run(inbound: ReplyParser()) { app in
            for id in ["a", "b"] {
                _ = try await app.send(.put, "/v1/contacts/\(id)", as: .enqueue, body: #"{"phone": "+989121234567"}"#)
            }
            let response = try await app.client.execute(
                uri: "/v1/inbound/sms-main", method: .post, headers: [HTTPField.Name("X-Secret")!: "s3cret"],
                body: .init(string: "STOP"))
            #expect(response.status == .ok)
            #expect(try response.json()["opt_outs"] as? Int == 2)
            for id in ["a", "b"] {
                let events = try await app.store.consentEvents(contactId: id)
                #expect(events.map(\.status) == [.revoked])
                #expect(events.first?.channel == "sms")
                #expect(events.first?.source == "sms_keyword")
                #expect(events.first?.evidence?["text"] == "STOP")
            }
        }
    }

    @Test("an ordinary reply records nothing; a bad secret or unknown channel is refused")
    func otherReplies() async throws {
        try await HeraldHarness.run(inbound: ReplyParser()) { app in
            _ = try await app.send(.put, "/v1/contacts/a", as: .enqueue, body: #"{"phone": "+989121234567"}"#)
            let hello = try await app.send(.get, "/v1/inbound/sms-main?secret=s3cret", as: nil)
            #expect(hello.status == .ok)
            #expect(try hello.json()["opt_outs"] as? Int == 0)
            let badSecret = try await app.send(.post, "/v1/inbound/sms-main", as: nil, body: "STOP")
            #expect(badSecret.status == .unauthorized)
            let unknown = try await app.send(.post, "/v1/inbound/sms-other?secret=s3cret", as: nil, body: "STOP")
            #expect(unknown.status == .notFound)
            let events = try await app.store.consentEvents(contactId: "a")
            #expect(events.isEmpty)
        }
    }
}

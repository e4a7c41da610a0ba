import Foundation
import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Render preview")
struct RenderRoutesTests {
    static let persian71 = String(repeating: "س", count: 71)

    @Test("a 71-character Persian SMS is UCS-2 in 2 segments")
    func persianSMS() async throws {
        try await HeraldHarness.run { app in
            let body = #"{"content": {"sms": {"text": "\#(Self.persian71)"}}, "contact": {"locale": "fa-IR"}}"#
            let response = try await app.send(.post, "/v1/render", as: .enqueue, body: body)
            #expect(response.status == .ok)
            let sms = try #require((try response.json()["channels"] as? [String: Any])?["sms"] as? [String: Any])
            #expect(sms["encoding"] as? String == "UCS-2")
            #expect(sms["segments"] as? Int == 2)
            #expect(sms["units"] as? Int == 71)
            #expect(sms["text"] as? String == Self.persian71)
            #expect(sms["within_segment_limit"] as? Bool == true)
        }
    }

    @Test("a stored contact gets its variant, what each channel sends, and its missing placeholders")
    func storedContact() async throws {
        try await HeraldHarness.run { app in
            let contact = #"{"locale": "fa-IR", "attributes": {"name": "سارا"}}"#
            #expect(try await app.send(.put, "/v1/contacts/c1", body: contact).status == .ok)
            let body = """
                {"contact_id": "c1", "content": {
                  "sms": {"text": "Hi {{attributes.name}}", "locales": {"fa": {"text": "سلام {{attributes.name}} {{attributes.city}}"}}},
                  "email": {"subject": "Order {{attributes.order}}", "text": "Hi {{attributes.name}}{{#attributes.vip}} {{attributes.tier}}{{/attributes.vip}}", "html": "<p>{{attributes.name}}</p>"}}}
                """
            let response = try await app.send(.post, "/v1/render", as: .ops, body: body)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["contact_id"] as? String == "c1")
            #expect(json["locale"] as? String == "fa-IR")
            let channels = try #require(json["channels"] as? [String: [String: Any]])
            #expect(Set(channels.keys) == ["sms", "email"])
            let sms = try #require(channels["sms"])
            #expect(sms["variant"] as? String == "fa")
            #expect(sms["variant_reason"] as? String == "contact locale fa-IR matched variant fa")
            #expect(sms["text"] as? String == "سلام سارا ")
            #expect(sms["missing_placeholders"] as? [String] == ["attributes.city"])
            let email = try #require(channels["email"])
            #expect(email["variant"] == nil)
            #expect(email["subject"] as? String == "Order ")
            #expect(email["html"] as? String == "<p>سارا</p>")
            #expect(email["encoding"] == nil)
            #expect(email["missing_placeholders"] as? [String] == ["attributes.order"])
        }
    }

    @Test("GSM-7 text counts septets; channels narrows the answer")
    func gsmAndChannels() async throws {
        try await HeraldHarness.run { app in
            let body = #"{"content": {"sms": {"text": "Price: 5€"}, "messenger": {"text": "x"}}, "contact": {"id": "p"}, "channels": ["sms"]}"#
            let response = try await app.send(.post, "/v1/render", as: .enqueue, body: body)
            let channels = try #require(try response.json()["channels"] as? [String: [String: Any]])
            #expect(Set(channels.keys) == ["sms"])
            #expect(channels["sms"]?["encoding"] as? String == "GSM-7")
            #expect(channels["sms"]?["units"] as? Int == 10)
            #expect(channels["sms"]?["segments"] as? Int == 1)
        }
    }

    @Test(
        "bad requests are 4xx naming what is wrong",
        arguments: [
            (#"{"content": {"sms": {"text": "x"}}, "contact_id": "nobody"}"#, 404, "not_found", nil),
            (#"{"content": {"sms": {"text": "x"}}}"#, 400, "invalid_field", "contact"),
            (#"{"contact": {}}"#, 400, "missing_field", "content"),
            (#"{"content": {"sms": {"text": "x", "locales": {"fa": {"text": "{{#a}}"}}}}, "contact": {}}"#, 400,
             "invalid_template", "content.sms.locales.fa.text"),
            (#"{"content": {"sms": {"text": "x"}}, "contact": {"timezone": 5}}"#, 400, "invalid_type", "contact.timezone"),
            // 3,000 nested sections once overflowed the template parser's stack and killed the daemon.
            (#"{"contact": {}, "content": {"sms": {"text": ""# + String(repeating: "{{#a}}", count: 3_000)
                + String(repeating: "{{/a}}", count: 3_000) + #""}}}"#, 400, "invalid_template", "content.sms.text"),
        ] as [(String, Int, String, String?)])
    func badRequests(body: String, status: Int, code: String, field: String?) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/render", as: .enqueue, body: body)
            #expect(response.status.code == status)
            #expect(try response.error().code == code)
            #expect(try response.error().field == field)
        }
    }

    @Test("helpers render as they would be sent: defaults, Persian digits, signed links")
    func helpers() async throws {
        try await HeraldHarness.run { app in
            let body = #"""
                {"contact": {"id": "c9", "locale": "fa-IR", "attributes": {"points": 1250}}, "topic": "loyalty",
                 "content": {"sms": {"text": "{{attributes.name | default: \"دوست\"}} {{attributes.points | number}} {{unsubscribe_url}}"}}}
                """#
            let response = try await app.send(.post, "/v1/render", as: .enqueue, body: body)
            #expect(response.status == .ok, "\(response.text)")
            let sms = try #require((try response.json()["channels"] as? [String: [String: Any]])?["sms"])
            let text = try #require(sms["text"] as? String)
            #expect(text.hasPrefix("دوست ۱٬۲۵۰ http://127.0.0.1:8025/u/"))
            let token = String(try #require(text.split(separator: "/").last))
            let scope = UnsubscribeToken.verify(token, secret: HeraldHarness.secret).map { [$0.contactId, $0.channel, $0.topic] }
            #expect(scope == ["c9", "sms", "loyalty"])
            #expect(sms["missing_placeholders"] as? [String] == [])
        }
    }

    @Test("render needs the enqueue or ops role")
    func roles() async throws {
        try await HeraldHarness.run { app in
            let body = #"{"content": {"sms": {"text": "x"}}, "contact": {}}"#
            let compliance = try await app.send(.post, "/v1/render", as: .compliance, body: body)
            #expect(compliance.status == .forbidden)
            let anonymous = try await app.send(.post, "/v1/render", as: nil, body: body)
            #expect(anonymous.status == .unauthorized)
        }
    }
}

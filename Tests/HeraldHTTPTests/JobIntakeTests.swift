import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Job intake validation")
struct JobIntakeTests {
    @Test("a valid job is 202 {id, status: accepted}")
    func accepted() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: jobJSON())
            #expect(response.status == .accepted)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let json = try response.json()
            #expect(json["id"] as? Int != nil)
            #expect(json["status"] as? String == "accepted")
            #expect(json.count == 2)
        }
    }

    @Test("a body nested 100,000 levels deep is 400 invalid_json, and the daemon keeps serving")
    func deepNesting() async throws {
        try await HeraldHarness.run { app in
            let deep = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: deep)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == "invalid_json")
            let next = try await app.send(.post, "/v1/jobs", as: .enqueue, body: jobJSON())
            #expect(next.status == .accepted)
        }
    }

    @Test(
        "a wrong JSON type is 400 invalid_type naming the snake_case field",
        arguments: [
            (jobJSON(channels: #""sms""#), "channels"),
            (jobJSON(purpose: "5"), "purpose"),
            (jobJSON(audience: #"{"contact_ids": "u1"}"#), "audience.contact_ids"),
            (jobJSON(extra: #", "priority": "high""#), "priority"),
            (jobJSON(content: #"{"sms": {"text": 5}}"#), "content.sms.text"),
        ])
    func wrongType(body: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == "invalid_type")
            #expect(error.field == field)
        }
    }

    @Test("a missing required field is 400 missing_field")
    func missingField() async throws {
        try await HeraldHarness.run { app in
            let body = #"{"purpose": "transactional", "audience": {"contact_ids": ["u1"]}, "channels": ["sms"], "content": {}}"#
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == "missing_field")
            #expect(try response.error().field == "idempotency_key")
        }
    }

    @Test("an unknown enum value is 400 naming the field")
    func unknownEnumValue() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: jobJSON(channels: #"["fax"]"#))
            #expect(response.status == .badRequest)
            #expect(try response.error().field == "channels[0]")
        }
    }

    @Test("malformed JSON is 400 invalid_json")
    func malformed() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: #"{"idempotency_key": "x","#)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == "invalid_json")
        }
    }

    @Test("a segment syntax error is invalid_segment with the column in the message")
    func segmentSyntax() async throws {
        try await HeraldHarness.run { app in
            let body = jobJSON(audience: #"{"segment": "attributes.country == \"IR\" and and attributes.vip"}"#)
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == "invalid_segment")
            #expect(error.field == "audience.segment")
            #expect(error.message?.contains("column") == true)
        }
    }

    @Test("SMS text over the segment limit is sms_too_long (Persian text is UCS-2: 70/67 per segment)")
    func smsTooLong() async throws {
        try await HeraldHarness.run { app in
            let persian = String(repeating: "س", count: 671)  // 11 UCS-2 segments; the default limit is 10
            let response = try await app.send(
                .post, "/v1/jobs", as: .enqueue, body: jobJSON(content: #"{"sms": {"text": "\#(persian)"}}"#))
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == "sms_too_long")
            #expect(error.field == "content.sms.text")

            let fits = String(repeating: "س", count: 670)
            let ok = try await app.send(
                .post, "/v1/jobs", as: .enqueue, body: jobJSON(key: "fits", content: #"{"sms": {"text": "\#(fits)"}}"#))
            #expect(ok.status == .accepted)
        }
    }

    @Test(
        "other intake rules name the field",
        arguments: [
            (jobJSON(channels: #"["sms", "email"]"#), "missing_field", "content.email"),
            (jobJSON(channels: "[]"), "invalid_field", "channels"),
            (jobJSON(channels: #"["sms", "sms"]"#), "invalid_field", "channels"),
            (jobJSON(audience: "{}"), "invalid_field", "audience"),
            (jobJSON(audience: #"{"contact_ids": []}"#), "invalid_field", "audience.contact_ids"),
            (jobJSON(key: ""), "invalid_field", "idempotency_key"),
            (jobJSON(extra: #", "local_time": "25:00""#), "invalid_field", "local_time"),
            (jobJSON(extra: #", "priority": 11"#), "invalid_field", "priority"),
            // Text-only content that is blank would reach the person as an empty message.
            (jobJSON(content: #"{"sms": {"text": ""}}"#), "invalid_field", "content.sms.text"),
            (jobJSON(content: #"{"sms": {"text": " \n\t\u00A0"}}"#), "invalid_field", "content.sms.text"),
            (
                jobJSON(content: #"{"sms": {"text": "Hi", "locales": {"fa": {"text": " "}}}}"#), "invalid_field",
                "content.sms.locales.fa.text"
            ),
            (
                jobJSON(channels: #"["messenger"]"#, content: #"{"messenger": {"text": ""}}"#), "invalid_field",
                "content.messenger.text"
            ),
            // An email with a blank subject, or with neither text nor html, and a push with nothing to show and
            // no data, arrive empty.
            (
                jobJSON(channels: #"["email"]"#, content: #"{"email": {"subject": " ", "text": "Hi"}}"#), "invalid_field",
                "content.email.subject"
            ),
            (
                jobJSON(channels: #"["email"]"#, content: #"{"email": {"subject": "Hi", "text": "", "html": " "}}"#),
                "invalid_field", "content.email.text"
            ),
            (
                jobJSON(
                    channels: #"["email"]"#,
                    content: #"{"email": {"subject": "Hi", "text": "x", "locales": {"ru": {"subject": "Привет", "text": ""}}}}"#),
                "invalid_field", "content.email.locales.ru.text"
            ),
            (
                jobJSON(channels: #"["push"]"#, content: #"{"push": {"title": "", "body": " "}}"#), "invalid_field",
                "content.push.body"
            ),
            (
                jobJSON(channels: #"["email"]"#, content: #"{"email": {"subject": "Hi\u0007", "text": "x"}}"#),
                "control_characters", "content.email.subject"
            ),
            (
                jobJSON(channels: #"["push"]"#, content: #"{"push": {"title": "Hi", "body": "x\u0000"}}"#),
                "control_characters", "content.push.body"
            ),
            // A NUL or an escape in a segment matches nothing anyone typed.
            (
                jobJSON(audience: #"{"segment": "attributes.country == \"IR\u0000\""}"#), "control_characters",
                "audience.segment"
            ),
            // A NUL or an escape reaches no reader as meant; line breaks and tabs are text.
            (jobJSON(content: #"{"sms": {"text": "code\u0000 1234"}}"#), "control_characters", "content.sms.text"),
            (
                jobJSON(channels: #"["messenger"]"#, content: #"{"messenger": {"text": "hi\u001b[2J"}}"#),
                "control_characters", "content.messenger.text"
            ),
            // Valid JSON with a fraction where a whole number belongs: the field's fault, not the body's.
            (jobJSON(extra: #", "priority": 5.5"#), "invalid_value", "priority"),
            (jobJSON(extra: #", "template": {"id": "welcome", "version": 1.5}"#), "invalid_value", "template.version"),
            (jobJSON(extra: #", "send_at": "tomorrow""#), "invalid_value", "send_at"),
            (jobJSON(extra: #", "send_at": "2026-02-30T10:00:00Z""#), "invalid_value", "send_at"),
            (jobJSON(extra: #", "send_at": "10000-01-01T00:00:00Z""#), "invalid_value", "send_at"),
            (
                jobJSON(extra: #", "send_at": "2026-12-01T10:00:00Z", "expires_at": "2026-12-01T09:00:00Z""#),
                "invalid_field", "expires_at"
            ),
        ])
    func intakeRules(body: String, code: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == code)
            #expect(error.field == field)
            #expect(try await app.store.job(id: 1) == nil)
        }
    }

    @Test("content that shows something is accepted: a data-only push, an email whose body is HTML alone")
    func contentThatShowsSomething() async throws {
        try await HeraldHarness.run { app in
            for (key, channels, content) in [
                ("data-push", #"["push"]"#, #"{"push": {"title": "", "body": "", "data": {"sync": "1"}}}"#),
                ("html-only", #"["email"]"#, #"{"email": {"subject": "Hi", "text": "", "html": "<p>Hi</p>"}}"#),
            ] {
                let response = try await app.send(
                    .post, "/v1/jobs", as: .enqueue, body: jobJSON(key: key, channels: channels, content: content))
                #expect(response.status == .accepted, "\(key)")
            }
        }
    }
}

import Foundation
import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Stored templates")
struct TemplateRoutesTests {
    static let welcomeV1 = """
        {"author": "sara", "note": "first cut", "content": {
          "sms": {"text": "Welcome {{attributes.name}}", "locales": {"fa": {"text": "خوش آمدی {{attributes.name}}"}}}}}
        """
    static let welcomeV2 = #"{"author": "ali", "content": {"sms": {"text": "Hello again {{attributes.name}}"}}}"#

    static func templateJob(key: String = "t-job", template: String = #"{"id": "welcome"}"#) -> String {
        #"{"idempotency_key": "\#(key)", "purpose": "transactional", "audience": {"contact_ids": ["u1"]}, "channels": ["sms"], "template": \#(template)}"#
    }

    @Test("PUT saves a new immutable version each time; GET lists them")
    func versions() async throws {
        try await HeraldHarness.run { app in
            let first = try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: Self.welcomeV1)
            #expect(first.status == .created)
            let saved = try first.json()
            #expect(saved["id"] as? String == "welcome")
            #expect(saved["version"] as? Int == 1)
            #expect(saved["author"] as? String == "sara")
            #expect(saved["created_at"] as? String != nil)
            #expect(try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: Self.welcomeV2).status == .created)

            let listed = try await app.send(.get, "/v1/templates/welcome", as: .ops)
            #expect(listed.status == .ok)
            let json = try listed.json()
            #expect(json["latest_version"] as? Int == 2)
            let versions = try #require(json["versions"] as? [[String: Any]])
            #expect(versions.map { $0["version"] as? Int } == [1, 2])
            #expect(versions.map { $0["note"] as? String } == ["first cut", nil])
            let sms = (versions[0]["content"] as? [String: Any])?["sms"] as? [String: Any]
            #expect((sms?["locales"] as? [String: Any])?.keys.sorted() == ["fa"])

            #expect(try await app.send(.get, "/v1/templates/nope", as: .ops).status == .notFound)
        }
    }

    @Test(
        "a template is validated on save, naming the failing field",
        arguments: [
            (#"{"author": "a", "content": {"sms": {"text": "x", "locales": {"fa": {"text": "{{#a}}"}}}}}"#,
             "invalid_template", "content.sms.locales.fa.text"),
            (#"{"author": "a", "content": {"sms": {"text": "\#(String(repeating: "ж", count: 671))"}}}"#, "sms_too_long",
             "content.sms.text"),
            (#"{"content": {"sms": {"text": "x"}}}"#, "missing_field", "author"),
            (#"{"author": "", "content": {"sms": {"text": "x"}}}"#, "invalid_field", "author"),
            (#"{"author": "a", "content": {}}"#, "invalid_field", "content"),
            (#"{"author": "a", "content": {"messenger": {"text": "x", "locales": {"ru": {"text": ""}}}}}"#,
             "invalid_field", "content.messenger.locales.ru.text"),
            (#"{"author": "a\u0000b", "content": {"sms": {"text": "x"}}}"#, "control_characters", "author"),
            (#"{"author": "a", "note": "fix\u001b[2J", "content": {"sms": {"text": "x"}}}"#, "control_characters", "note"),
        ])
    func validatedOnSave(body: String, code: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == code)
            #expect(try response.error().field == field)
            #expect(try await app.send(.get, "/v1/templates/welcome", as: .ops).status == .notFound)
        }
    }

    @Test("a template id is letters, digits, dots, dashes and underscores; templates need the enqueue role to write")
    func idsAndRoles() async throws {
        try await HeraldHarness.run { app in
            let badId = try await app.send(.put, "/v1/templates/bad%20id", as: .enqueue, body: Self.welcomeV2)
            #expect(badId.status == .badRequest)
            let ops = try await app.send(.put, "/v1/templates/ok", as: .ops, body: Self.welcomeV2)
            #expect(ops.status == .forbidden)
            let compliance = try await app.send(.get, "/v1/templates/ok", as: .compliance)
            #expect(compliance.status == .forbidden)
        }
    }

    @Test("a job naming a template is stored with the latest version's content, pinned")
    func jobPinsLatest() async throws {
        try await HeraldHarness.run { app in
            try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: Self.welcomeV1)
            let id = try await app.createJob(Self.templateJob())
            try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: Self.welcomeV2)

            let job = try #require(try await app.store.job(id: id))
            #expect(job.spec.template == TemplateRef(id: "welcome", version: 1))
            let view = try await app.send(.get, "/v1/jobs/\(id)", as: .ops)
            let template = try view.json()["template"] as? [String: Any]
            #expect(template?["id"] as? String == "welcome")
            #expect(template?["version"] as? Int == 1)
            #expect(job.spec.content.sms?.text == "Welcome {{attributes.name}}")
            #expect(job.spec.content.sms?.locales?["fa"]?.text == "خوش آمدی {{attributes.name}}")

            let pinned = try await app.createJob(Self.templateJob(key: "v1", template: #"{"id": "welcome", "version": 1}"#))
            #expect(try await app.store.job(id: pinned)?.spec.template == TemplateRef(id: "welcome", version: 1))
            let latest = try await app.createJob(Self.templateJob(key: "v2"))
            #expect(try await app.store.job(id: latest)?.spec.content.sms?.text == "Hello again {{attributes.name}}")
        }
    }

    @Test("the idempotency hash covers the resolved version: a retry after an edit is a conflict")
    func idempotencyCoversVersion() async throws {
        try await HeraldHarness.run { app in
            try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: Self.welcomeV1)
            let first = try await app.send(.post, "/v1/jobs", as: .enqueue, body: Self.templateJob())
            #expect(first.status == .accepted)
            #expect(try await app.send(.post, "/v1/jobs", as: .enqueue, body: Self.templateJob()).status == .ok)
            try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: Self.welcomeV2)
            let conflict = try await app.send(.post, "/v1/jobs", as: .enqueue, body: Self.templateJob())
            #expect(conflict.status == .conflict)
            #expect(try conflict.error().message?.hasSuffix("(give template.version 1 to retry it)") == true)
            let pinned = Self.templateJob(template: #"{"id": "welcome", "version": 1}"#)
            #expect(try await app.send(.post, "/v1/jobs", as: .enqueue, body: pinned).status == .ok)
        }
    }

    @Test(
        "a job's template reference is checked",
        arguments: [
            (TemplateRoutesTests.templateJob(template: #"{"id": "nope"}"#), "template_not_found", "template.id"),
            (TemplateRoutesTests.templateJob(template: #"{"id": "welcome", "version": 9}"#), "template_not_found", "template.version"),
            (TemplateRoutesTests.templateJob(template: #"{"version": 1}"#), "missing_field", "template.id"),
            (
                #"{"idempotency_key": "k", "purpose": "transactional", "audience": {"contact_ids": ["u1"]}, "channels": ["sms"], "template": {"id": "welcome"}, "content": {"sms": {"text": "x"}}}"#,
                "invalid_field", "template"
            ),
            (TemplateRoutesTests.templateJob().replacingOccurrences(of: #"["sms"]"#, with: #"["email"]"#), "missing_field", "content.email"),
            (#"{"idempotency_key": "k", "purpose": "transactional", "audience": {"contact_ids": ["u1"]}, "channels": ["sms"]}"#,
             "missing_field", "content"),
        ])
    func badReferences(body: String, code: String, field: String) async throws {
        try await HeraldHarness.run { app in
            try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: Self.welcomeV1)
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: body)
            #expect(response.status == .badRequest)
            #expect(try response.error().code == code)
            #expect(try response.error().field == field)
        }
    }

    @Test("POST /v1/templates/{id}/render previews a version for a contact")
    func render() async throws {
        try await HeraldHarness.run { app in
            try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: Self.welcomeV1)
            try await app.send(.put, "/v1/templates/welcome", as: .enqueue, body: Self.welcomeV2)
            let body = #"{"version": 1, "contact": {"locale": "fa-IR", "attributes": {"name": "سارا"}}}"#
            let response = try await app.send(.post, "/v1/templates/welcome/render", as: .enqueue, body: body)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect((json["template"] as? [String: Any])?["version"] as? Int == 1)
            let sms = try #require((json["channels"] as? [String: [String: Any]])?["sms"])
            #expect(sms["text"] as? String == "خوش آمدی سارا")
            #expect(sms["variant"] as? String == "fa")
            #expect(sms["encoding"] as? String == "UCS-2")

            let latest = try await app.send(.post, "/v1/templates/welcome/render", as: .ops, body: #"{"contact": {}}"#)
            #expect((try latest.json()["template"] as? [String: Any])?["version"] as? Int == 2)
            let missing = try #require((try latest.json()["channels"] as? [String: [String: Any]])?["sms"])
            #expect(missing["missing_placeholders"] as? [String] == ["attributes.name"])

            #expect(try await app.send(.post, "/v1/templates/nope/render", body: #"{"contact": {}}"#).status == .notFound)
            #expect(try await app.send(.post, "/v1/templates/welcome/render", body: #"{"version": 7, "contact": {}}"#).status == .notFound)
        }
    }
}

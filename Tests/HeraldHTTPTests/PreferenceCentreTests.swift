import Foundation
import HTTPTypes
import HeraldCore
import HeraldEngine
import HeraldHTTP
import HeraldStoreSQLite
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `GET/POST /p/{token}` in-process over a SQLite file, with topics declared and the clock pinned.
@Suite("Preference centre")
struct PreferenceCentreTests {
    static let now = HeraldHarness.now
    static let keys = PreferenceKeys(current: Array("pref-key".utf8), previous: Array("old-pref-key".utf8), linkLifetime: 3600)
    static let topics = try! TopicCatalog([
        Topic(
            id: "newsletter", name: ["en": "Newsletter", "fa": "خبرنامه", "ar": "النشرة", "ru": "Рассылка"],
            description: ["en": "Monthly news", "fa": "خبرهای ماهانه"], channels: [.email, .sms]),
        Topic(id: "offers", name: ["en": "Offers", "fa": "پیشنهادها"], channels: [.email]),
    ])

    struct App: Sendable {
        let client: any TestClientProtocol
        let store: SQLiteStore

        func token(for contactId: String, keys: PreferenceKeys = PreferenceCentreTests.keys, at: Date = now) -> String {
            String(keys.link(baseURL: "", contactId: contactId, now: at, tokenId: "tok-\(contactId)").dropFirst("/p/".count))
        }

        func get(_ token: String, headers: HTTPFields = [:]) async throws -> TestResponse {
            try await client.execute(uri: "/p/\(token)", method: .get, headers: headers, body: nil)
        }

        func post(_ token: String, form: String, headers: HTTPFields = [:]) async throws -> TestResponse {
            var headers = headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            if headers[.userAgent] == nil { headers[.userAgent] = "Mozilla/5.0 (test phone)" }
            return try await client.execute(uri: "/p/\(token)", method: .post, headers: headers, body: ByteBuffer(string: form))
        }

        func events(_ contactId: String) async throws -> [ConsentEvent] { try await store.consentEvents(contactId: contactId) }
    }

    static func run(now clock: Date = now, topics: TopicCatalog = topics, _ test: @Sendable (App) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pref-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
        try await store.migrate()
        try await store.insertAPIKey(hash: APIKey.hash(HeraldHarness.key(.admin)), role: .admin, label: nil, at: now)
        try await store.upsertContacts(
            [
                Contact(id: "maryam", locale: "fa-IR", email: "maryam@example.ir", phone: "+989121234567"),
                Contact(id: "john", locale: "en-GB", email: "john@example.com"),
                Contact(id: "omid", email: "omid@example.com"),
            ], at: now)
        var deps = APIDependencies(
            store: store, templates: store, fanoutSignal: WorkSignal(), unsubscribeSecret: HeraldHarness.secret,
            now: { clock })
        deps.topics = topics
        deps.preferenceKeys = keys
        try await Application(router: HeraldAPI(deps: deps).router()).test(.router) { client in
            try await test(App(client: client, store: store))
        }
        try await store.close()
    }

    static func grant(_ store: SQLiteStore, _ contact: String, _ channel: String, _ topic: String, _ status: ConsentStatus = .granted) async throws {
        _ = try await store.appendConsent(
            ConsentInput(contactId: contact, channel: channel, topic: topic, status: status, source: "signup_form", occurredAt: now),
            at: now)
    }

    @Test("GET shows each topic × channel with the state the policy would decide, in the contact's language, right to left")
    func showsStates() async throws {
        try await Self.run { app in
            try await Self.grant(app.store, "maryam", "email", "newsletter")
            try await Self.grant(app.store, "maryam", "sms", "*", .revoked)
            let response = try await app.get(app.token(for: "maryam"))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(response.headers[.cacheControl] == "no-store")
            let page = response.text
            #expect(page.contains(#"<html lang="fa" dir="rtl">"#))
            #expect(page.contains(#"name="viewport""#))
            #expect(page.contains("خبرنامه") && page.contains("خبرهای ماهانه") && page.contains("پیشنهادها"))
            #expect(!page.contains("<script"))
            #expect(Self.checkbox(page, "email:newsletter")?.contains("checked") == true)
            #expect(Self.checkbox(page, "sms:newsletter")?.contains("checked") == false)
            #expect(Self.checkbox(page, "email:offers")?.contains("checked") == false)
            #expect(page.contains(#"class="state opted_out""#), "the SMS opt-out shows as unsubscribed")
            #expect(page.contains(#"class="state no_consent""#), "offers were never granted")
            #expect(page.components(separatedBy: "<label for=").count - 1 == 3, "a real label per checkbox")
            #expect(page.contains(#"value="leave_all""#))
            #expect(try await app.events("maryam").count == 2, "looking records nothing")

            let english = try await app.get(app.token(for: "john")).text
            #expect(english.contains(#"<html lang="en" dir="ltr">"#))
            #expect(english.contains("Newsletter") && english.contains("Offers"))
            #expect(Self.checkbox(english, "sms:newsletter") == nil, "john has no phone: no SMS choice")

            // No locale on file: the browser's language, if the page speaks it.
            let browser = try await app.get(app.token(for: "omid"), headers: [.acceptLanguage: "de-DE, ar;q=0.8"]).text
            #expect(browser.contains(#"<html lang="ar" dir="rtl">"#))
            // Weights decide, not the order listed; q=0 means "not this one".
            let weighed = try await app.get(app.token(for: "omid"), headers: [.acceptLanguage: "en;q=0.3, ru-RU;q=0.9, fa;q=0"]).text
            #expect(weighed.contains(#"<html lang="ru" dir="ltr">"#))
        }
    }

    @Test("POST writes one ledger event per change with source preference_centre and evidence, then shows it saved")
    func postWritesEvents() async throws {
        try await Self.run { app in
            try await Self.grant(app.store, "maryam", "email", "newsletter")
            let token = app.token(for: "maryam")
            // Keep nothing of the newsletter, take the offers by email.
            let response = try await app.post(token, form: "token=\(token)&sub=email%3Aoffers&action=save")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "\(token)?saved=1", "relative: /p/{token}?saved=1 behind any prefix")
            let written = try await app.events("maryam").dropFirst()
            #expect(written.map(\.source) == ["preference_centre", "preference_centre"])
            #expect(Set(written.map { "\($0.channel):\($0.topic):\($0.status.rawValue)" })
                == ["email:newsletter:revoked", "email:offers:granted"])
            let evidence = try #require(written.first?.evidence)
            #expect(evidence["token_id"] == "tok-maryam")
            #expect(evidence["user_agent"] == "Mozilla/5.0 (test phone)")
            #expect(evidence["time"] == "2026-09-21T14:13:20Z")
            #expect(written.allSatisfy { $0.occurredAt == Self.now && $0.actor == "recipient" })

            let after = try await app.get(token + "?saved=1").text
            #expect(after.contains(#"role="status""#))
            #expect(Self.checkbox(after, "email:offers")?.contains("checked") == true)
            #expect(Self.checkbox(after, "email:newsletter")?.contains("checked") == false)

            // Posting the same choices again changes nothing.
            _ = try await app.post(token, form: "token=\(token)&sub=email%3Aoffers&action=save")
            #expect(try await app.events("maryam").count == 3)
        }
    }

    @Test("leave everything is one revocation of all marketing on every channel, and every choice then reads unsubscribed")
    func leaveEverything() async throws {
        try await Self.run { app in
            try await Self.grant(app.store, "maryam", "email", "newsletter")
            try await Self.grant(app.store, "maryam", "*", "offers")
            let token = app.token(for: "maryam")
            let response = try await app.post(token, form: "token=\(token)&sub=email%3Anewsletter&action=leave_all")
            #expect(response.status == .seeOther)
            let last = try #require(try await app.events("maryam").last)
            #expect(last.channel == "*" && last.topic == "*" && last.status == .revoked && last.source == "preference_centre")
            #expect(last.evidence?["action"] == "leave_all")
            let page = try await app.get(token).text
            #expect(!page.contains(" checked"))
            #expect(!page.contains(#"class="state granted""#))

            // The dashboard's contact view says what the event was: the person's own choice, through which link.
            let dashboard = try await app.client.execute(
                uri: "/ui/contact?id=maryam", method: .get,
                headers: [.authorization: "Bearer \(HeraldHarness.key(.admin))"], body: nil
            ).text
            #expect(dashboard.contains("preference centre: left everything (link tok-maryam)"))
            #expect(dashboard.contains("<td dir=\"auto\">signup_form</td>"), "other sources show as recorded")
        }
    }

    @Test("a forged, tampered or expired link gets a 4xx page and records nothing; an old key still works after rotation")
    func badLinks() async throws {
        try await Self.run { app in
            let good = app.token(for: "maryam")
            let parts = good.split(separator: ".")
            let forged = app.token(for: "maryam", keys: PreferenceKeys(current: Array("attacker".utf8)))
            let spliced = app.token(for: "john").split(separator: ".")[0] + "." + parts[1]
            let expired = app.token(for: "maryam", at: Self.now - 3600)
            for (bad, status) in [(forged, 404), (String(spliced), 404), ("garbage", 404), (String(parts[0]), 404), (expired, 410)] {
                let get = try await app.get(bad, headers: [.acceptLanguage: "ru-RU,ru;q=0.9"])
                #expect(get.status.code == status, "\(bad.prefix(12))")
                #expect(get.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(get.text.contains(#"role="alert""#) && get.text.contains(#"lang="ru""#))
                let post = try await app.post(bad, form: "token=\(bad)&sub=email%3Aoffers&action=leave_all")
                #expect(post.status.code == status)
            }
            #expect(try await app.events("maryam").isEmpty)
            #expect(try await app.events("john").isEmpty)

            let old = app.token(for: "maryam", keys: PreferenceKeys(current: Self.keys.previous!, linkLifetime: 3600))
            #expect(try await app.get(old).status == .ok, "links signed before a rotation keep working")
        }
    }

    @Test("a link signed before its contact was erased does not open the page of a contact stored later under the same id")
    func linkOutlivesErasure() async throws {
        try await Self.run { app in
            let beforeErasure = app.token(for: "john")
            #expect(try await app.get(beforeErasure).status == .ok)
            _ = try await app.store.eraseContact("john", actor: "test", at: Self.now, addressDigest: nil)
            try await app.store.upsertContacts([Contact(id: "john", email: "another.john@example.com")], at: Self.now + 600)
            let get = try await app.get(beforeErasure)
            #expect(get.status == .notFound)
            #expect(!get.text.contains("another.john"))
            let post = try await app.post(beforeErasure, form: "token=\(beforeErasure)&sub=email%3Aoffers&action=save")
            #expect(post.status == .notFound)
            #expect(try await app.events("john").isEmpty, "no consent granted in the new contact's name")

            // The new contact's own links work, and an update keeps the row's creation time.
            let afterwards = app.token(for: "john", at: Self.now + 610)
            try await app.store.upsertContacts([Contact(id: "john", locale: "en-GB", email: "another.john@example.com")], at: Self.now + 620)
            #expect(try await app.get(afterwards).status == .ok)
        }
    }

    @Test("a post from another site, or without the page's token, is refused and records nothing")
    func crossSite() async throws {
        try await Self.run { app in
            let token = app.token(for: "maryam")
            let form = "token=\(token)&action=leave_all"
            let crossOrigin = try await app.post(token, form: form, headers: [.origin: "https://evil.example"])
            #expect(crossOrigin.status == .forbidden)
            let crossSite = try await app.post(token, form: form, headers: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.status == .forbidden)
            let noToken = try await app.post(token, form: "action=leave_all")
            #expect(noToken.status == .forbidden)
            #expect(try await app.events("maryam").isEmpty)
            let sameOrigin = try await app.post(token, form: form, headers: [.origin: "http://127.0.0.1:8025"])
            #expect(sameOrigin.status == .seeOther, "the configured public URL is this site")
        }
    }

    @Test("once topics are declared, a job must name one of them (400 unknown_topic); without topics any topic passes")
    func jobTopicValidation() async throws {
        let admin: HTTPFields = [.authorization: "Bearer \(HeraldHarness.key(.admin))", .contentType: "application/json"]
        try await Self.run { app in
            let unknown = try await app.client.execute(
                uri: "/v1/jobs", method: .post, headers: admin, body: ByteBuffer(string: Self.job("j1", "promo")))
            #expect(unknown.status == .badRequest)
            #expect(try unknown.error().code == "unknown_topic")
            #expect(try unknown.error().field == "topic")
            let known = try await app.client.execute(
                uri: "/v1/jobs", method: .post, headers: admin, body: ByteBuffer(string: Self.job("j2", "newsletter")))
            #expect(known.status == .accepted)
        }
        try await Self.run(topics: .none) { app in
            let any = try await app.client.execute(
                uri: "/v1/jobs", method: .post, headers: admin, body: ByteBuffer(string: Self.job("j3", "promo")))
            #expect(any.status == .accepted)
        }
    }

    @Test("{{preferences_url}} renders a signed, expiring /p/ link that opens this contact's page")
    func renderedLink() async throws {
        try await Self.run { app in
            let body = #"{"contact_id": "maryam", "channels": ["sms"], "content": {"sms": {"text": "{{preferences_url}}"}}}"#
            let response = try await app.client.execute(
                uri: "/v1/render", method: .post,
                headers: [.authorization: "Bearer \(HeraldHarness.key(.admin))", .contentType: "application/json"],
                body: ByteBuffer(string: body))
            let channels = try #require(try response.json()["channels"] as? [String: [String: Any]])
            let link = try #require(channels["sms"]?["text"] as? String)
            #expect(link.hasPrefix("http://127.0.0.1:8025/p/"))
            let token = String(link.dropFirst("http://127.0.0.1:8025/p/".count))
            guard case .valid(let verified) = Self.keys.verify(token, now: Self.now) else {
                Issue.record("the rendered link does not verify")
                return
            }
            #expect(verified.contactId == "maryam")
            #expect(verified.expiresAt == Self.now + 3600)
            #expect(try await app.get(token).status == .ok)
        }
    }

    static func job(_ key: String, _ topic: String) -> String {
        """
        {"idempotency_key": "\(key)", "purpose": "marketing", "topic": "\(topic)", "audience": {"contact_ids": ["john"]},
         "channels": ["email"], "content": {"email": {"subject": "Hi", "text": "Hello {{preferences_url}}"}}}
        """
    }

    /// The `<input …>` tag of the checkbox with this value, if the page has one.
    static func checkbox(_ page: String, _ value: String) -> String? {
        guard let range = page.range(of: #"value="\#(value)""#),
            let start = page[..<range.lowerBound].range(of: "<input", options: .backwards),
            let end = page[range.upperBound...].firstIndex(of: ">")
        else { return nil }
        return String(page[start.lowerBound...end])
    }
}

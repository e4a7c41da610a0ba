import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import HeraldDaemon
import HeraldEngine
import HeraldHTTP
import HeraldStoreSQLite
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// Mail goes out through a real SMTP server (aiosmtpd) with a VERP return path; the bounce or complaint an
/// MTA would send back to that address is posted to `/v1/inbound/{email_channel_id}` as an MTA pipe would.
@Suite(.serialized) struct BounceEndToEndTests {
    static let noon = Date(timeIntervalSince1970: 1_795_435_200)
    static let secretHeader = HTTPField.Name("X-Herald-Secret")!

    /// A harness whose email channel is the daemon's own smtp driver (built from YAML) pointing at aiosmtpd.
    struct Setup {
        let harness: Harness
        let smtp: BounceSMTPServer
        let drivers: [any ChannelDriver]
        let inbound: InboundRouter

        init() async throws {
            smtp = try await BounceSMTPServer()
            harness = try await Harness(policyJSON: #"{"defaults": {"timezone": "Europe/London"}}"#, now: BounceEndToEndTests.noon)
            let yaml = """
                data_dir: \(harness.directory.path)
                channels:
                  - id: email-main
                    kind: email
                    driver: smtp
                    options:
                      url: "smtp://127.0.0.1:\(smtp.port)"
                      from: news@shop.example
                      starttls: "off"
                      username: herald
                      password_file: \(harness.directory.appendingPathComponent("smtp.password").path)
                      bounce_domain: bounces.shop.example
                      inbound_secret_env: HERALD_TEST_PIPE_SECRET
                      soft_bounce_threshold: "2"
                      events_profile: sendgrid
                """
            // The test server's AUTH credentials.
            try "secret".write(to: harness.directory.appendingPathComponent("smtp.password"), atomically: true, encoding: .utf8)
            let file = harness.directory.appendingPathComponent("herald.yaml")
            try yaml.write(to: file, atomically: true, encoding: .utf8)
            let environment = ["HERALD_TEST_PIPE_SECRET": "pipe-secret"]
            let loaded = try LoadedConfig.load(path: file.path, environment: environment)
            drivers = try await ChannelFactory.router(for: loaded).instances.map(\.driver)
            inbound = try InboundRouter(loaded: loaded, environment: environment)
        }

        func application(erasure: ErasureSettings = ErasureSettings()) -> some ApplicationProtocol {
            let now = BounceEndToEndTests.noon
            var deps = APIDependencies(
                store: harness.store, templates: harness.store, fanoutSignal: WorkSignal(), unsubscribeSecret: Harness.secret,
                inbound: inbound, now: { now })
            deps.erasure = erasure
            // As the daemon does: the store's facts and lookups hash addresses with the same key.
            harness.store.erasedAddresses.enable(erasure)
            return Application(router: HeraldAPI(deps: deps).router())
        }

        func stop() async {
            for driver in drivers { await driver.shutdown() }
            smtp.stop()
            try? FileManager.default.removeItem(at: harness.directory)
        }

        var pipeHeaders: HTTPFields { [BounceEndToEndTests.secretHeader: "pipe-secret", .contentType: "message/rfc822"] }
    }

    static func withSetup(_ body: (Setup) async throws -> Void) async throws {
        let setup = try await Setup()
        do {
            try await body(setup)
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    static func deliveries(_ client: some TestClientProtocol, _ harness: Harness, contact: String) async throws -> [[String: Any]] {
        let (_, body) = try await client.send(.get, "/v1/deliveries?contact_id=\(contact)", "", headers: harness.bearer)
        return try #require(try json(body)["deliveries"] as? [[String: Any]])
    }

    static func messageId(in raw: String) throws -> String {
        let line = try #require(raw.split(separator: "\r\n").first { $0.lowercased().hasPrefix("message-id:") })
        return String(line.drop { $0 != "<" }.dropFirst().prefix { $0 != ">" })
    }

    @Test func aHardBounceToTheVERPAddressFailsTheDeliveryAndSuppressesTheAddress() async throws {
        try await Self.withSetup { setup in
            let harness = setup.harness
            try await setup.application().test(.router) { client in
                let contacts = #"{"id":"ann","email":"ann@example.net"}"# + "\n" + #"{"id":"bob","email":"bob@example.net"}"#
                #expect(try await client.send(.post, "/v1/contacts/batch", contacts, headers: harness.bearer).0 == .ok)
                let job = #"{"idempotency_key":"receipt","purpose":"transactional","audience":{"contact_ids":["ann","bob"]},"channels":["email"],"content":{"email":{"subject":"Your order","text":"Thanks"}}}"#
                #expect(try await client.send(.post, "/v1/jobs", job, headers: harness.bearer).0 == .accepted)
                try await harness.drain(through: setup.drivers)

                let annId = try #require(try await Self.deliveries(client, harness, contact: "ann").first?["id"] as? Int)
                let sent = try setup.smtp.received()
                #expect(sent.count == 2)
                let toAnn = try #require(sent.first { $0.envelope.rcptTos == ["ann@example.net"] })
                let toBob = try #require(sent.first { $0.envelope.rcptTos == ["bob@example.net"] })
                // The envelope sender is the signed VERP address of that very delivery.
                #expect(toAnn.envelope.mailFrom.hasPrefix("bounce+\(annId)-"))
                #expect(toAnn.envelope.mailFrom.hasSuffix("@bounces.shop.example"))
                #expect(!toAnn.raw.contains("bounce+"), "the VERP address is the envelope's, not a header's")
                // Its key was generated once in the data folder, readable by the owner only.
                let key = harness.directory.appendingPathComponent("verp.secret").path
                let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
                #expect(mode == 0o600)

                // Postfix's bounce for it, piped back.
                let dsn = ReportMessages.postfixDSN(
                    returnPath: toAnn.envelope.mailFrom, recipient: "ann@example.net", originalMessageId: try Self.messageId(in: toAnn.raw))
                let noSecret = try await client.execute(
                    uri: "/v1/inbound/email-main", method: .post, headers: [.contentType: "message/rfc822"], body: .init(bytes: dsn))
                #expect(noSecret.status == .forbidden)
                let posted = try await client.execute(
                    uri: "/v1/inbound/email-main", method: .post, headers: setup.pipeHeaders, body: .init(bytes: dsn)
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(posted.0 == .accepted)
                let answer = try Self.json(posted.1)
                #expect(answer["outcome"] as? String == "suppressed")
                let report = try #require((answer["reports"] as? [[String: Any]])?.first)
                #expect(report["delivery_id"] as? Int == annId)
                #expect(report["kind"] as? String == "hard_bounce")
                #expect(report["status"] as? String == "5.1.1")

                let ann = try #require(try await Self.deliveries(client, harness, contact: "ann").first)
                #expect(ann["state"] as? String == "failed")
                let (_, list) = try await client.send(.get, "/v1/suppressions?address=ann@example.net", "", headers: harness.bearer)
                #expect(list.contains(#""reason":"bounce""#))

                // A bounce whose VERP token was forged (here: Bob's delivery id under a made-up MAC) is rejected
                // and changes nothing.
                let bobId = try #require(try await Self.deliveries(client, harness, contact: "bob").first?["id"] as? Int)
                let forged = "bounce+\(bobId)-00112233445566778899@bounces.shop.example"
                #expect(forged != toBob.envelope.mailFrom)
                let forgery = ReportMessages.postfixDSN(returnPath: forged, recipient: "bob@example.net", originalMessageId: "made-up@x.example")
                let refused = try await client.execute(
                    uri: "/v1/inbound/email-main", method: .post, headers: setup.pipeHeaders, body: .init(bytes: forgery)
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(refused.0 == .accepted)
                #expect(try Self.json(refused.1)["outcome"] as? String == "rejected")
                #expect(try await Self.deliveries(client, harness, contact: "bob").first?["state"] as? String == "sent")
                let (_, bobList) = try await client.send(.get, "/v1/suppressions?address=bob@example.net", "", headers: harness.bearer)
                #expect(!bobList.contains("bob@example.net"))

                // What is not a message at all is a 400 with a stable code.
                let garbage = try await client.execute(
                    uri: "/v1/inbound/email-main", method: .post, headers: setup.pipeHeaders, body: .init(string: "not a message")
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(garbage.0 == .badRequest)
                #expect(garbage.1.contains("invalid_inbound"))
                // An auto-reply is understood and ignored.
                let autoReply = "From: bob@example.net\r\nSubject: Away\r\n\r\nBack on Monday.\r\n"
                let ignored = try await client.execute(
                    uri: "/v1/inbound/email-main", method: .post, headers: setup.pipeHeaders, body: .init(string: autoReply)
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(ignored.0 == .accepted)
                #expect(try Self.json(ignored.1)["outcome"] as? String == "ignored")
            }
        }
    }

    @Test func aBounceForAnErasedContactsDeliveryRecordsNothingAboutTheAddress() async throws {
        try await Self.withSetup { setup in
            let harness = setup.harness
            try await setup.application().test(.router) { client in
                let contact = #"{"id":"ann","email":"ann@example.net"}"#
                #expect(try await client.send(.post, "/v1/contacts/batch", contact, headers: harness.bearer).0 == .ok)
                let job = #"{"idempotency_key":"receipt","purpose":"transactional","audience":{"contact_ids":["ann"]},"channels":["email"],"content":{"email":{"subject":"Your order","text":"Thanks"}}}"#
                #expect(try await client.send(.post, "/v1/jobs", job, headers: harness.bearer).0 == .accepted)
                try await harness.drain(through: setup.drivers)
                let toAnn = try #require(try setup.smtp.received().first)
                #expect(try await client.send(.delete, "/v1/contacts/ann", "", headers: harness.bearer).0 == .ok)

                // The MTA's bounce arrives after the erasure, at the VERP address of the erased contact's delivery.
                let dsn = ReportMessages.postfixDSN(
                    returnPath: toAnn.envelope.mailFrom, recipient: "ann@example.net", originalMessageId: try Self.messageId(in: toAnn.raw))
                let posted = try await client.execute(
                    uri: "/v1/inbound/email-main", method: .post, headers: setup.pipeHeaders, body: .init(bytes: dsn)
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(posted.0 == .accepted)
                #expect(try Self.json(posted.1)["outcome"] as? String == "erased")

                // The relay's ESP reports it too, by the Message-ID it was given (the erasure blanked the stored one).
                let event = #"[{"email":"ann@example.net","smtp-id":"<\#(try Self.messageId(in: toAnn.raw))>","event":"bounce","type":"bounce","status":"5.1.1"}]"#
                let reported = try await client.execute(
                    uri: "/v1/inbound/email-main", method: .post,
                    headers: [Self.secretHeader: "pipe-secret", .contentType: "application/json"], body: .init(string: event)
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(reported.0 == .accepted)
                #expect(try Self.json(reported.1)["outcome"] as? String == "erased")

                let (_, list) = try await client.send(.get, "/v1/suppressions?limit=10", "", headers: harness.bearer)
                #expect(!list.contains("ann@example.net"), "the erased address came back as a suppression")
                // Nor as a bounce, or anywhere else in the database file.
                let path = harness.directory.appendingPathComponent("herald.sqlite").path
                var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                bytes += FileManager.default.contents(atPath: path + "-wal") ?? Data()
                #expect(bytes.range(of: Data("ann@example.net".utf8)) == nil, "the erased address is back in the store")
            }
        }
    }

    /// With `rights.block_erased_addresses` Herald can tell an erased person's address when a report matches none of
    /// its deliveries (an ESP's event without Herald's Message-ID): it records nothing, as for a matched one.
    @Test func anUnmatchedESPReportAboutABlockedErasedAddressRecordsNothing() async throws {
        try await Self.withSetup { setup in
            let harness = setup.harness
            let erasure = ErasureSettings(blockedAddressKey: Array("erased-address-key".utf8))
            try await setup.application(erasure: erasure).test(.router) { client in
                let contact = #"{"id":"ann","email":"ann@example.net"}"#
                #expect(try await client.send(.post, "/v1/contacts/batch", contact, headers: harness.bearer).0 == .ok)
                #expect(try await client.send(.delete, "/v1/contacts/ann", "", headers: harness.bearer).0 == .ok)

                func report(_ kind: String, _ address: String) async throws -> String? {
                    let event = #"[{"email":"\#(address)","smtp-id":"<4f2a@relay.example>","event":"\#(kind)","type":"bounce","status":"5.1.1"}]"#
                    let posted = try await client.execute(
                        uri: "/v1/inbound/email-main", method: .post,
                        headers: [Self.secretHeader: "pipe-secret", .contentType: "application/json"], body: .init(string: event)
                    ) { ($0.status, String(buffer: $0.body)) }
                    #expect(posted.0 == .accepted)
                    return try Self.json(posted.1)["outcome"] as? String
                }
                #expect(try await report("bounce", "ann@example.net") == "erased")
                #expect(try await report("spamreport", "ann@example.net") == "erased")
                // An address nobody erased is still suppressed on the ESP's word.
                #expect(try await report("bounce", "bob@example.net") == "suppressed")

                let (_, list) = try await client.send(.get, "/v1/suppressions?limit=10", "", headers: harness.bearer)
                #expect(list.contains("bob@example.net"))
                #expect(!list.contains("ann@example.net"), "the erased address came back as a suppression")
                let path = harness.directory.appendingPathComponent("herald.sqlite").path
                var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                bytes += FileManager.default.contents(atPath: path + "-wal") ?? Data()
                #expect(bytes.range(of: Data("ann@example.net".utf8)) == nil, "the erased address is back in the store")
            }
        }
    }

    @Test func anInternationalAddressGoesOutInALabelsAndAnESPBounceForThatFormSuppressesTheContact() async throws {
        try await Self.withSetup { setup in
            let harness = setup.harness
            try await setup.application().test(.router) { client in
                let contact = #"{"id":"ivan","email":"ivan@почта.рф"}"#
                #expect(try await client.send(.post, "/v1/contacts/batch", contact, headers: harness.bearer).0 == .ok)
                func receipt(_ key: String) -> String {
                    #"{"idempotency_key":"\#(key)","purpose":"transactional","audience":{"contact_ids":["ivan"]},"channels":["email"],"content":{"email":{"subject":"Заказ","text":"Спасибо"}}}"#
                }
                #expect(try await client.send(.post, "/v1/jobs", receipt("first"), headers: harness.bearer).0 == .accepted)
                try await harness.drain(through: setup.drivers)
                let sent = try #require(try setup.smtp.received().first)
                #expect(sent.envelope.rcptTos == ["ivan@xn--80a1acny.xn--p1ai"])
                #expect(sent.raw.contains("\r\nTo: ivan@xn--80a1acny.xn--p1ai\r\n"))

                // SendGrid's bounce names the address as the relay was given it.
                let event = #"[{"email":"ivan@xn--80a1acny.xn--p1ai","smtp-id":"<\#(try Self.messageId(in: sent.raw))>","event":"bounce","type":"bounce","status":"5.1.1"}]"#
                let posted = try await client.execute(
                    uri: "/v1/inbound/email-main", method: .post,
                    headers: [Self.secretHeader: "pipe-secret", .contentType: "application/json"], body: .init(string: event)
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(posted.0 == .accepted)
                #expect(try Self.json(posted.1)["outcome"] as? String == "suppressed")
                let (_, list) = try await client.send(.get, "/v1/suppressions?limit=10", "", headers: harness.bearer)
                #expect(list.contains("ivan@почта.рф"), "the contact's own spelling is what the policy matches")

                // So the next message to that mailbox is not sent.
                #expect(try await client.send(.post, "/v1/jobs", receipt("second"), headers: harness.bearer).0 == .accepted)
                try await harness.drain(through: setup.drivers)
                let states = try await Self.deliveries(client, harness, contact: "ivan").compactMap { $0["state"] as? String }
                #expect(states.sorted() == ["failed", "suppressed"])
                #expect(try setup.smtp.received().count == 1)
            }
        }
    }

    @Test func softBouncesSuppressAtTheConfiguredThresholdCountingEachMessageOnce() async throws {
        try await Self.withSetup { setup in
            let harness = setup.harness
            try await setup.application().test(.router) { client in
                #expect(try await client.send(.put, "/v1/contacts/dee", #"{"email":"dee@example.net"}"#, headers: harness.bearer).0 == .ok)
                for key in ["t1", "t2"] {
                    let job = #"{"idempotency_key":"\#(key)","purpose":"transactional","audience":{"contact_ids":["dee"]},"channels":["email"],"content":{"email":{"subject":"Hi","text":"Hi"}}}"#
                    #expect(try await client.send(.post, "/v1/jobs", job, headers: harness.bearer).0 == .accepted)
                }
                try await harness.drain(through: setup.drivers)
                let delays = try setup.smtp.received().map { message in
                    ReportMessages.postfixDSN(
                        returnPath: message.envelope.mailFrom, recipient: "dee@example.net",
                        originalMessageId: try Self.messageId(in: message.raw), status: "4.2.2", action: "delayed")
                }
                #expect(delays.count == 2)
                var outcomes: [String] = []
                // The first message's delay notice arrives twice (a retried pipe): it counts once.
                for delay in [delays[0], delays[0], delays[1]] {
                    let (_, body) = try await client.execute(
                        uri: "/v1/inbound/email-main", method: .post, headers: setup.pipeHeaders, body: .init(bytes: delay)
                    ) { ($0.status, String(buffer: $0.body)) }
                    outcomes.append(try Self.json(body)["outcome"] as? String ?? "")
                }
                #expect(outcomes == ["counted", "counted", "suppressed"])
                // A soft bounce never fails the delivery: the message may still arrive.
                let states = try await Self.deliveries(client, harness, contact: "dee").map { $0["state"] as? String }
                #expect(states == ["sent", "sent"])
            }
        }
    }

    @Test func anARFComplaintRevokesConsentAndTheNextCampaignSkipsTheContact() async throws {
        try await Self.withSetup { setup in
            let harness = setup.harness
            try await setup.application().test(.router) { client in
                #expect(try await client.send(.put, "/v1/contacts/cy", #"{"email":"cy@example.org"}"#, headers: harness.bearer).0 == .ok)
                let grant = #"{"contact_id":"cy","channel":"email","topic":"*","status":"granted","source":"signup_form"}"#
                #expect(try await client.send(.post, "/v1/consents", grant, headers: harness.bearer).0 == .created)
                func campaign(_ key: String) -> String {
                    #"{"idempotency_key":"\#(key)","purpose":"marketing","audience":{"contact_ids":["cy"]},"channels":["email"],"content":{"email":{"subject":"Picks","text":"Our picks"}}}"#
                }
                #expect(try await client.send(.post, "/v1/jobs", campaign("week-1"), headers: harness.bearer).0 == .accepted)
                try await harness.drain(through: setup.drivers)
                let message = try #require(try setup.smtp.received().first)

                let arf = ReportMessages.arfComplaint(
                    returnPath: message.envelope.mailFrom, recipient: "cy@example.org", originalMessageId: try Self.messageId(in: message.raw))
                let (status, body) = try await client.execute(
                    uri: "/v1/inbound/email-main", method: .post, headers: setup.pipeHeaders, body: .init(bytes: arf)
                ) { ($0.status, String(buffer: $0.body)) }
                #expect(status == .accepted)
                #expect(try Self.json(body)["outcome"] as? String == "revoked")
                let events = try await harness.store.consentEvents(contactId: "cy")
                #expect(events.map(\.status) == [.granted, .revoked])
                #expect(events.last?.source == "complaint")
                #expect(events.last?.channel == "email")

                #expect(try await client.send(.post, "/v1/jobs", campaign("week-2"), headers: harness.bearer).0 == .accepted)
                try await harness.drain(through: setup.drivers)
                let states = try await Self.deliveries(client, harness, contact: "cy").map { "\($0["state"] ?? "")/\($0["reason"] ?? "-")" }
                #expect(states.sorted() == ["sent/-", "suppressed/opted_out"])
                #expect(try setup.smtp.received().count == 1)
            }
        }
    }
}

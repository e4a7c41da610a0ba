import Foundation
import HTTPTypes
import HeraldCore
import HeraldDaemon
import HeraldHTTP
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// ESP webhooks through the daemon's inbound router: SNS-signed SES notifications (the certificate and the
/// subscription confirmation served by a local stand-in for the SNS host), Mailgun signatures, and the
/// inbound secret for Postmark.
@Suite(.serialized)
struct EmailEventInboundTests {
    static let channels = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("channels")

    static func fixture(_ path: String) throws -> ByteBuffer {
        ByteBuffer(bytes: try Data(contentsOf: channels.appendingPathComponent(path)))
    }

    static func router(
        _ options: String, environment: [String: String] = [:], profilesDir: String? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws -> InboundRouter {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-esp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("herald.yaml")
        try """
        data_dir: \(directory.path)
        \(profilesDir.map { "profiles_dir: \($0)" } ?? "")
        channels:
          - {id: email-esp, kind: email, driver: smtp, options: \(options)}
        """.write(to: path, atomically: true, encoding: .utf8)
        return try InboundRouter(
            loaded: try LoadedConfig.load(path: path.path, environment: environment), environment: environment, now: now)
    }

    static func outcome(_ response: TestResponse) throws -> String? {
        try response.json()["outcome"] as? String
    }

    /// Serves the test signing certificate for any `.pem` path and counts subscription confirmations.
    final class FakeSNS: @unchecked Sendable {
        private let lock = NSLock()
        private var confirmationCount = 0
        var confirmations: Int { lock.withLock { confirmationCount } }

        func application() -> some ApplicationProtocol {
            let router = Router()
            let certificate = EmailEventInboundTests.channels.appendingPathComponent("ses/fixtures/test-signing-cert.pem")
            router.get("/{file}") { _, _ -> ByteBuffer in ByteBuffer(bytes: try Data(contentsOf: certificate)) }
            router.get("/") { request, _ -> String in
                if request.uri.query?.contains("Action=ConfirmSubscription") == true {
                    self.lock.withLock { self.confirmationCount += 1 }
                }
                return "<ConfirmSubscriptionResponse/>"
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        }
    }

    @Test func sesNotificationsOverSNSAreVerifiedConfirmedAndApplied() async throws {
        let sns = FakeSNS()
        try await sns.application().test(.live) { fake in
            let port = try #require(fake.port)
            let inbound = try Self.router("{from: news@shop.example, url: \"smtp://127.0.0.1:1\", events_profile: ses, sns_certificate_base: \"http://127.0.0.1:\(port)\"}")
            try await HeraldHarness.run(inbound: inbound) { app in
                let confirm = try await app.client.execute(
                    uri: "/v1/inbound/email-esp", method: .post, headers: [.contentType: "text/plain; charset=UTF-8"],
                    body: try Self.fixture("ses/fixtures/sns-subscription-confirmation.json"))
                #expect(confirm.status == .accepted)
                #expect(try Self.outcome(confirm) == "subscription_confirmed")
                #expect(sns.confirmations == 1)

                let bounce = try await app.client.execute(
                    uri: "/v1/inbound/email-esp", method: .post, headers: [.contentType: "text/plain; charset=UTF-8"],
                    body: try Self.fixture("ses/fixtures/sns-bounce-permanent.json"))
                #expect(bounce.status == .accepted)
                #expect(try Self.outcome(bounce) == "suppressed")
                let list = try #require(app.store as? any SuppressionStore)
                #expect(try await list.suppressions(addresses: ["ann@example.net"]).first?.reason == "bounce")

                var tampered = String(buffer: try Self.fixture("ses/fixtures/sns-complaint.json"))
                tampered = tampered.replacingOccurrences(of: "cy@example.org", with: "victim@example.org")
                let refused = try await app.client.execute(
                    uri: "/v1/inbound/email-esp", method: .post, headers: [.contentType: "text/plain; charset=UTF-8"],
                    body: ByteBuffer(string: tampered))
                #expect(refused.status == .forbidden)
                #expect(try await list.suppressions(addresses: ["victim@example.org"]).isEmpty)
            }
        }
    }

    /// Six minutes after the complaint fixture was signed.
    static let mailgunNow = Date(timeIntervalSince1970: 1_796_465_100 + 360)

    @Test func mailgunPostsNeedTheirSignatureOnceAndFresh() async throws {
        let inbound = try Self.router(
            "{from: news@shop.example, url: \"smtp://127.0.0.1:1\", events_profile: mailgun, signing_key_env: MG_KEY}",
            environment: ["MG_KEY": "herald-test-mailgun-signing-key"], now: { Self.mailgunNow })
        try await HeraldHarness.run(inbound: inbound) { app in
            let complaint = try await app.send(
                .post, "/v1/inbound/email-esp", as: nil, body: String(buffer: try Self.fixture("mailgun/fixtures/complained.json")))
            #expect(complaint.status == .accepted)
            // No delivery matches: the ESP speaks for the address, which is never mailed again.
            #expect(try Self.outcome(complaint) == "suppressed")
            let list = try #require(app.store as? any SuppressionStore)
            #expect(try await list.suppressions(addresses: ["cy@example.org"]).first?.reason == "complaint")
            // The signature covers timestamp and token, not the body: the same token never works twice.
            let replayed = try await app.send(
                .post, "/v1/inbound/email-esp", as: nil, body: String(buffer: try Self.fixture("mailgun/fixtures/complained.json")))
            #expect(replayed.status == .forbidden)

            // Mailgun signs timestamp + token (not the body): a post with another token than the one signed fails.
            var forged = String(buffer: try Self.fixture("mailgun/fixtures/failed-permanent.json"))
            forged = forged.replacingOccurrences(of: "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0", with: "b8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0")
            let refused = try await app.send(.post, "/v1/inbound/email-esp", as: nil, body: forged)
            #expect(refused.status == .forbidden)
            #expect(try await list.suppressions(addresses: ["ann@example.net"]).isEmpty)
        }
    }

    @Test func postmarkAndSendGridPostsNeedTheInboundSecret() async throws {
        let inbound = try Self.router(
            "{from: news@shop.example, url: \"smtp://127.0.0.1:1\", events_profile: sendgrid, inbound_secret_env: IN_SECRET}",
            environment: ["IN_SECRET": "esp-s3cret"])
        try await HeraldHarness.run(inbound: inbound) { app in
            let body = String(buffer: try Self.fixture("sendgrid/fixtures/events.json"))
            #expect(try await app.send(.post, "/v1/inbound/email-esp", as: nil, body: body).status == .forbidden)
            let accepted = try await app.send(.post, "/v1/inbound/email-esp?secret=esp-s3cret", as: nil, body: body)
            #expect(accepted.status == .accepted)
            let reports = try #require(try accepted.json()["reports"] as? [[String: Any]])
            #expect(reports.map { $0["outcome"] as? String } == ["suppressed", "counted", "counted", "suppressed"])
        }
        #expect(throws: HeraldError.self) {
            try Self.router("{from: news@shop.example, url: \"smtp://127.0.0.1:1\", events_profile: postmark}")
        }
    }

    @Test func badBounceOptionsStopTheStartNamingTheField() throws {
        let base = "from: news@shop.example, url: \"smtp://127.0.0.1:1\", inbound_secret_env: IN_SECRET"
        let cases = [
            ("soft_bounce_window: 7 days", "channels.email-esp.options.soft_bounce_window"),
            ("soft_bounce_threshold: \"0\"", "channels.email-esp.options.soft_bounce_threshold"),
            ("events_profile: nosuchesp", "events_profile"),
            ("events_profile: mailgun", "channels.email-esp.options.signing_key"),
        ]
        for (option, field) in cases {
            #expect {
                try Self.router("{\(base), \(option)}", environment: ["IN_SECRET": "x"])
            } throws: { error in
                (error as? HeraldError)?.field == field
            }
        }
    }

    @Test func anESPProfileInProfilesDirIsUsedWithoutNewCode() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-esp-profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("acme"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        id: acme
        authentication: secret
        recipients: rcpt
        rules:
          - when: { kind: hard }
            outcome: hard_bounce
        """.write(to: folder.appendingPathComponent("acme/events.yaml"), atomically: true, encoding: .utf8)
        let inbound = try Self.router(
            "{from: news@shop.example, url: \"smtp://127.0.0.1:1\", events_profile: acme, inbound_secret_env: IN_SECRET}",
            environment: ["IN_SECRET": "x"], profilesDir: folder.path)
        try await HeraldHarness.run(inbound: inbound) { app in
            let posted = try await app.send(.post, "/v1/inbound/email-esp?secret=x", as: nil, body: #"{"kind":"hard","rcpt":"zed@example.net"}"#)
            #expect(posted.status == .accepted)
            #expect(try Self.outcome(posted) == "suppressed")
        }
    }

    @Test func aStaleMailgunSignatureIsRefused() async throws {
        let dayLater = Self.mailgunNow.addingTimeInterval(86_400)
        let inbound = try Self.router(
            "{from: news@shop.example, url: \"smtp://127.0.0.1:1\", events_profile: mailgun, signing_key_env: MG_KEY}",
            environment: ["MG_KEY": "herald-test-mailgun-signing-key"], now: { dayLater })
        try await HeraldHarness.run(inbound: inbound) { app in
            let stale = try await app.send(
                .post, "/v1/inbound/email-esp", as: nil, body: String(buffer: try Self.fixture("mailgun/fixtures/complained.json")))
            #expect(stale.status == .forbidden)
            let list = try #require(app.store as? any SuppressionStore)
            #expect(try await list.suppressions(addresses: ["cy@example.org"]).isEmpty)
        }
    }
}

import CryptoExtras
import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// Real-server suite: every test starts its own aiosmtpd and inspects the bytes it received.
@Suite("SMTP driver against aiosmtpd")
struct SMTPDriverTests {
    static let persianSubject = "سلام مریم، سبد خرید شما هنوز منتظر است — ۲۰٪ تخفیف فقط تا امشب برای اعضای باشگاه"
    static let text = "سلام مریم\nسبد خرید شما هنوز منتظر است.\nلغو اشتراک: پایین صفحه"
    static let html = "<p dir=\"rtl\">سلام <b>مریم</b></p>\n<p>سبد خرید شما هنوز منتظر است.</p>"
    static let unsubscribeURL = "https://herald.example.com/u/tok3n-abc"

    func config(_ server: SMTPTestServer, starttls: SMTPConfig.StartTLS = .off) -> SMTPConfig {
        SMTPConfig(
            url: server.url, starttls: starttls, username: "herald", password: "secret",
            from: "shop@example.com", fromName: "فروشگاه نمونه", timeoutSeconds: 10,
            unsubscribeMailto: "unsubscribe@example.com", messageIdDomain: "mail.example.com", tlsVerify: false)
    }

    func message(
        to address: String, delivery: Int64 = 1, purpose: Purpose = .marketing, html: String? = Self.html
    ) -> OutboundMessage {
        OutboundMessage(
            deliveryId: delivery, jobId: 7, contactId: "c-\(delivery)", channel: .email, purpose: purpose,
            topic: "newsletter", addresses: [address],
            content: .email(subject: Self.persianSubject, text: Self.text, html: html),
            unsubscribeURL: purpose == .marketing ? Self.unsubscribeURL : nil, idempotencyKey: "k-\(delivery)",
            attempt: 1)
    }

    @Test("five marketing mails over one AUTHed connection arrive intact, DKIM-signed, with RFC 8058 headers")
    func deliversOverOneConnection() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        var config = config(server)
        config.dkim = .init(domain: "example.com", selector: "herald", privateKeyPEM: key.pemRepresentation)
        let driver = try SMTPDriver(id: "email-main", config: config)

        var results: [SendResult] = []
        for delivery in 1...5 {
            results.append(await driver.send(message(to: "maryam\(delivery)@example.org", delivery: Int64(delivery))))
        }
        await driver.shutdown()

        #expect(results.map(\.outcome) == Array(repeating: .sent, count: 5))
        let received = try server.received()
        try #require(received.count == 5)
        #expect(Set(received.map(\.envelope.connection)).count == 1, "libcurl should reuse one SMTP connection")
        #expect(received.allSatisfy { $0.envelope.authenticated && $0.envelope.authMechanism != nil })
        #expect(received[0].envelope.mailFrom == "shop@example.com")
        #expect(received[0].envelope.rcptTos == ["maryam1@example.org"])

        let inspected = try InspectedMessage.inspect(
            received[0].path, dkimPublicKey: key.publicKey.derRepresentation.base64EncodedString())
        #expect(inspected.dkim == true)
        #expect(inspected.subject == Self.persianSubject)
        #expect(inspected.fromDisplayName == "فروشگاه نمونه")
        #expect(inspected.fromAddress == "shop@example.com")
        #expect(inspected.contentType == "multipart/alternative")
        #expect(inspected.parts.map(\.contentType) == ["text/plain", "text/html"])
        // The text part travels with CRLF line endings; decoded, it is the original text.
        #expect(inspected.parts.first?.content.replacingOccurrences(of: "\r\n", with: "\n") == Self.text)
        #expect(inspected.parts.last?.content.contains("<b>مریم</b>") == true)
        #expect(inspected.defects.isEmpty)
        #expect(inspected.listUnsubscribe == "<\(Self.unsubscribeURL)>, <mailto:unsubscribe@example.com>")
        #expect(inspected.listUnsubscribePost == "List-Unsubscribe=One-Click")
        #expect(inspected.messageId == "<\(results[0].providerMessageId ?? "-")>")
        #expect(results[0].providerMessageId?.hasPrefix("delivery-1.") == true)
        #expect(results[0].providerMessageId?.hasSuffix("@mail.example.com") == true)

        // Every header and body line is CRLF-terminated 7-bit text.
        #expect(received[0].raw.allSatisfy { $0 < 0x80 })
        #expect(!received[0].text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test("concurrent sends share the pool: no more connections than pool_size")
    func boundsConnectionsByPoolSize() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        var config = config(server)
        config.poolSize = 2
        let driver = try SMTPDriver(id: "email-main", config: config)
        let outcomes = await withTaskGroup(of: AttemptOutcome.self) { group in
            for delivery in 1...8 {
                group.addTask { await driver.send(message(to: "c\(delivery)@example.org", delivery: Int64(delivery))).outcome }
            }
            return await group.reduce(into: [AttemptOutcome]()) { $0.append($1) }
        }
        await driver.shutdown()

        #expect(outcomes == Array(repeating: .sent, count: 8))
        let received = try server.received()
        #expect(received.count == 8)
        #expect(Set(received.map(\.envelope.connection)).count <= 2)
    }

    @Test("a pooled connection the relay closed while idle is replaced: the next message still arrives")
    func reconnectsAfterTheRelayClosesAnIdleSession() async throws {
        let server = try await SMTPTestServer(idleTimeout: 0.5)
        defer { server.stop() }
        var config = config(server)
        config.poolSize = 1
        let driver = try SMTPDriver(id: "email-main", config: config)
        let first = await driver.send(message(to: "first@example.org", delivery: 1))
        // Long enough for the relay to give up on the idle session and close it.
        try await Task.sleep(for: .seconds(1.5))
        let second = await driver.send(message(to: "second@example.org", delivery: 2))
        let third = await driver.send(message(to: "third@example.org", delivery: 3))
        await driver.shutdown()

        #expect([first.outcome, second.outcome, third.outcome] == [.sent, .sent, .sent])
        let received = try server.received()
        #expect(received.map(\.envelope.rcptTos) == [["first@example.org"], ["second@example.org"], ["third@example.org"]])
        // A new session after the close; on a loaded machine the relay may close that one too before the third.
        #expect((2...3).contains(Set(received.map(\.envelope.connection)).count), "the idle session was replaced")
    }

    @Test("STARTTLS is negotiated before AUTH, and transactional mail carries no List-Unsubscribe")
    func sendsOverStartTLS() async throws {
        let server = try await SMTPTestServer(tls: .starttls)
        defer { server.stop() }
        let driver = try SMTPDriver(id: "email-tls", config: config(server, starttls: .required))
        let result = await driver.send(message(to: "reza@example.org", purpose: .transactional, html: nil))
        await driver.shutdown()

        #expect(result.outcome == .sent, "\(result.error ?? "")")
        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].envelope.tls)
        #expect(received[0].envelope.authenticated)
        let inspected = try InspectedMessage.inspect(received[0].path)
        #expect(inspected.contentType == "text/plain")
        #expect(inspected.subject == Self.persianSubject)
        #expect(inspected.listUnsubscribe == nil)
        #expect(inspected.listUnsubscribePost == nil)
    }

    @Test("smtps:// speaks TLS from the first byte; a self-signed relay fails when verification is on")
    func sendsOverImplicitTLS() async throws {
        let server = try await SMTPTestServer(tls: .implicit)
        defer { server.stop() }
        let driver = try SMTPDriver(id: "email-smtps", config: config(server))
        let result = await driver.send(message(to: "reza@example.org"))
        await driver.shutdown()

        var verifying = config(server)
        verifying.tlsVerify = true
        let strict = try SMTPDriver(id: "email-strict", config: verifying)
        let refused = await strict.send(message(to: "reza@example.org"))
        await strict.shutdown()

        #expect(result.outcome == .sent, "\(result.error ?? "")")
        #expect(try server.received().map(\.envelope.tls) == [true])
        #expect(refused.outcome == .permanent)
        #expect(refused.error?.hasPrefix("smtp_tls_verify_failed") == true, "\(refused.error ?? "")")
    }

    @Test("starttls: required against a relay without STARTTLS is a permanent config error")
    func refusesCleartextWhenTLSRequired() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let driver = try SMTPDriver(id: "email-main", config: config(server, starttls: .required))
        let result = await driver.send(message(to: "reza@example.org"))
        let check = await driver.check()
        await driver.shutdown()

        #expect(result.outcome == .permanent)
        #expect(result.error?.hasPrefix("smtp_starttls_unavailable") == true)
        #expect(!check.ok)
        #expect(try server.received().isEmpty)
    }

    @Test("a 550 on RCPT marks the address invalid; a 451 asks for a retry; neither leaks the address")
    func classifiesRecipientReplies() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let driver = try SMTPDriver(id: "email-main", config: config(server))
        let rejected = await driver.send(message(to: "unknown.user@example.org"))
        let deferred = await driver.send(message(to: "busy.user@example.org"))
        let delivered = await driver.send(message(to: "after@example.org"))
        await driver.shutdown()

        #expect(rejected.outcome == .invalidAddress)
        #expect(rejected.invalidAddresses == ["unknown.user@example.org"])
        #expect(rejected.error?.contains("550") == true)
        #expect(rejected.error?.contains("unknown.user@") == false)
        #expect(deferred.outcome == .retry)
        #expect(deferred.error?.contains("451") == true)
        #expect(deferred.error?.contains("busy.user@") == false)
        #expect(delivered.outcome == .sent, "a rejected recipient must not poison the pooled connection")
        #expect(try server.received().map(\.envelope.rcptTos) == [["after@example.org"]])
    }

    @Test("check() reports a reachable relay, and an unreachable one is retried, not failed")
    func checksReachability() async throws {
        let server = try await SMTPTestServer()
        let driver = try SMTPDriver(id: "email-main", config: config(server))
        let reachable = await driver.check()
        await driver.shutdown()
        server.stop()

        let gone = try SMTPDriver(id: "email-main", config: config(server))
        let unreachable = await gone.check()
        let result = await gone.send(message(to: "reza@example.org"))
        await gone.shutdown()

        #expect(reachable.ok, "\(reachable.detail)")
        #expect(reachable.instance == "email-main")
        #expect(!unreachable.ok)
        #expect(result.outcome == .retry)
        #expect(result.error?.hasPrefix("smtp_connection_failed") == true)
    }
}

import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// Internationalized addresses (RFC 5891 domains, RFC 6531 local parts) against a real aiosmtpd, with and
/// without SMTPUTF8.
@Suite("SMTP driver: internationalized addresses")
struct SMTPInternationalAddressTests {
    func driver(_ server: SMTPTestServer) throws -> SMTPDriver {
        try SMTPDriver(
            id: "email-main",
            config: SMTPConfig(
                url: server.url, starttls: .off, username: "herald", password: "secret", from: "shop@example.com",
                timeoutSeconds: 10, messageIdDomain: "mail.example.com"))
    }

    func message(to address: String, delivery: Int64 = 1) -> OutboundMessage {
        OutboundMessage(
            deliveryId: delivery, jobId: 7, contactId: "c-\(delivery)", channel: .email, purpose: .transactional,
            topic: nil, addresses: [address], content: .email(subject: "Код входа", text: "Ваш код: 4071", html: nil),
            unsubscribeURL: nil, idempotencyKey: "k-\(delivery)", attempt: 1)
    }

    @Test("an address at a Cyrillic or Persian domain reaches a relay without SMTPUTF8 as A-labels, envelope and To: alike")
    func sendsInternationalDomainsAsALabels() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let driver = try driver(server)
        let russian = await driver.send(message(to: "ivan@почта.рф", delivery: 1))
        let persian = await driver.send(message(to: "maryam@ایران.ir", delivery: 2))
        await driver.shutdown()

        #expect(russian.outcome == .sent)
        #expect(persian.outcome == .sent)
        let received = try server.received()
        try #require(received.count == 2)
        #expect(received.map(\.envelope.rcptTos) == [["ivan@xn--80a1acny.xn--p1ai"], ["maryam@xn--mgba3a4f16a.ir"]])
        #expect(received.allSatisfy { !$0.envelope.mailOptions.contains("SMTPUTF8") })
        // Python's own parser reads the header; the whole message stays 7-bit, as a relay without SMTPUTF8 needs.
        #expect(try InspectedMessage.inspect(received[0].path).to == "ivan@xn--80a1acny.xn--p1ai")
        #expect(received.allSatisfy { $0.raw.allSatisfy { $0 < 0x80 } })
    }

    @Test("a Cyrillic local part goes out with SMTPUTF8 to a relay that offers it, the To: header in UTF-8")
    func sendsUnicodeLocalPartWithSMTPUTF8() async throws {
        let server = try await SMTPTestServer(smtputf8: true)
        defer { server.stop() }
        let driver = try driver(server)
        let result = await driver.send(message(to: "иван@почта.рф"))
        await driver.shutdown()

        #expect(result.outcome == .sent)
        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].envelope.mailOptions.contains("SMTPUTF8"))
        #expect(received[0].envelope.rcptTos == ["иван@xn--80a1acny.xn--p1ai"])
        #expect(received[0].text.contains("\r\nTo: иван@xn--80a1acny.xn--p1ai\r\n"))
    }

    @Test("a relay without SMTPUTF8 fails a Cyrillic local part for good, without calling the address invalid")
    func relayWithoutSMTPUTF8DoesNotSuppress() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let driver = try driver(server)
        let refused = await driver.send(message(to: "иван@почта.рф", delivery: 1))
        let next = await driver.send(message(to: "after@example.org", delivery: 2))
        await driver.shutdown()

        #expect(refused.outcome == .permanent)
        #expect(refused.error?.hasPrefix("smtp_utf8_unsupported") == true)
        #expect(refused.invalidAddresses.isEmpty, "the relay's limit is not the address's fault: no suppression")
        #expect(refused.error?.contains("иван@") == false, "error texts never carry the whole address")
        #expect(next.outcome == .sent, "the refusal must not poison the pooled connection")
        #expect(try server.received().map(\.envelope.rcptTos) == [["after@example.org"]])
    }

    @Test("a domain IDNA refuses, or one that would break out of the RCPT command, is invalid, and nothing is sent")
    func refusesInvalidInternationalDomain() async throws {
        let server = try await SMTPTestServer(smtputf8: true)
        defer { server.stop() }
        let driver = try driver(server)
        let snowman = await driver.send(message(to: "a@☃.com", delivery: 1))
        let combining = await driver.send(message(to: "a@\u{0301}abc.com", delivery: 2))
        let injected = await driver.send(message(to: "иван@example.com>\r\nDATA", delivery: 3))
        await driver.shutdown()

        for result in [snowman, combining, injected] {
            #expect(result.outcome == .invalidAddress)
            #expect(result.error?.hasPrefix("smtp_address_invalid") == true)
        }
        #expect(snowman.invalidAddresses == ["a@☃.com"])
        #expect(try server.received().isEmpty)
    }
}

import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// SPEC §10 at the SMTP server: the variant a contact's locale picks is what the server receives, Persian
/// subject included (RFC 2047 on the wire, the same text once decoded).
@Suite("Locale variants over SMTP")
struct SMTPLocaleVariantTests {
    static let content = Content(
        email: .init(
            subject: "Your cart is waiting, {{attributes.name}}", text: "Hi {{attributes.name}}",
            locales: [
                "fa": .init(subject: "{{attributes.name}} عزیز، سبد خرید شما هنوز منتظر است", text: "سلام {{attributes.name}}")
            ]))

    @Test func eachContactReceivesItsVariant() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let driver = try SMTPDriver(
            id: "email-main",
            config: SMTPConfig(
                url: server.url, starttls: .off, username: "herald", password: "secret", from: "shop@example.com",
                timeoutSeconds: 10,
                messageIdDomain: "mail.example.com"))
        let compiled = try CompiledContent(Self.content)
        let contacts = [
            Contact(id: "c-fa", locale: "fa-IR", attributes: ["name": "مریم"], email: "maryam@example.org"),
            Contact(id: "c-ru", locale: "ru", attributes: ["name": "Olga"], email: "olga@example.org"),
        ]
        for (index, contact) in contacts.enumerated() {
            let rendered = try #require(compiled.render(.email, for: contact))
            let message = OutboundMessage(
                deliveryId: Int64(index + 1), jobId: 1, contactId: contact.id, channel: .email, purpose: .transactional,
                topic: nil, addresses: [contact.email!], content: rendered, unsubscribeURL: nil,
                idempotencyKey: "k-\(index)", attempt: 1)
            let result = await driver.send(message)
            #expect(result.outcome == .sent, "\(result.error ?? "")")
        }
        await driver.shutdown()

        let received = try server.received()
        try #require(received.count == 2)
        let persian = try InspectedMessage.inspect(received[0].path)
        #expect(persian.subject == "مریم عزیز، سبد خرید شما هنوز منتظر است")
        #expect(persian.parts.first?.content.trimmingCharacters(in: .whitespacesAndNewlines) == "سلام مریم")
        #expect(received[0].raw.allSatisfy { $0 < 0x80 }, "the Persian subject travels RFC 2047-encoded")
        #expect(try InspectedMessage.inspect(received[1].path).subject == "Your cart is waiting, Olga")
    }
}

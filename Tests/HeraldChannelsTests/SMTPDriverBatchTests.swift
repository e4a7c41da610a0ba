import CryptoExtras
import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// `send(batch:concurrency:)` against the same aiosmtpd: one hand-off for the whole batch must give
/// the same outcomes, in the same order, as sending each message on its own.
extension SMTPDriverTests {
    @Test("a batch comes back in order: the 550 recipient invalid, the rest sent intact with their Message-IDs")
    func sendsABatchInOrder() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        var config = config(server)
        config.poolSize = 3
        config.dkim = .init(domain: "example.com", selector: "herald", privateKeyPEM: key.pemRepresentation)
        let driver = try SMTPDriver(id: "email-main", config: config)
        let addresses = (1...12).map { $0 == 7 ? "unknown.user\($0)@example.org" : "maryam\($0)@example.org" }
        let batch = addresses.enumerated().map { message(to: $1, delivery: Int64($0 + 1)) }

        let results = await driver.send(batch: batch, concurrency: 3)
        await driver.shutdown()

        try #require(results.count == 12)
        #expect(results.map(\.outcome) == (1...12).map { $0 == 7 ? .invalidAddress : .sent })
        #expect(results[6].invalidAddresses == ["unknown.user7@example.org"])
        #expect(results[6].error?.hasPrefix("smtp_recipient_rejected") == true)
        #expect(results[6].error?.contains("unknown.user7@") == false)
        for (index, result) in results.enumerated() where index != 6 {
            #expect(result.providerMessageId?.hasPrefix("delivery-\(index + 1).") == true)
            #expect(result.latency != nil)
        }

        let received = try server.received()
        try #require(received.count == 11)
        // pool_size sessions, plus one: libcurl closes a session whose transfer failed (the 550).
        #expect(Set(received.map(\.envelope.connection)).count <= 4)
        let sentTo = Dictionary(uniqueKeysWithValues: zip(addresses, results).filter { $1.outcome == .sent })
        #expect(Set(received.flatMap(\.envelope.rcptTos)) == Set(sentTo.keys))
        for message in received {
            let recipient = try #require(message.envelope.rcptTos.first)
            let inspected = try InspectedMessage.inspect(
                message.path, dkimPublicKey: key.publicKey.derRepresentation.base64EncodedString())
            #expect(inspected.messageId == "<\(sentTo[recipient]?.providerMessageId ?? "-")>")
            #expect(inspected.to.contains(recipient))
            #expect(inspected.dkim == true)
            #expect(inspected.subject == Self.persianSubject)
            #expect(inspected.parts.first?.content.replacingOccurrences(of: "\r\n", with: "\n") == Self.text)
            #expect(inspected.defects.isEmpty)
        }
    }

    @Test("in a batch, a message that cannot be built gets its result in place, without a transfer")
    func keepsUnbuildableMessagesInPlace() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let driver = try SMTPDriver(id: "email-main", config: config(server))
        var noEmail = message(to: "sara@example.org", delivery: 3)
        noEmail.content = .sms(text: "hi")
        let batch = [
            message(to: "first@example.org", delivery: 1), message(to: "not an address", delivery: 2), noEmail,
            message(to: "last@example.org", delivery: 4),
        ]
        let results = await driver.send(batch: batch, concurrency: 4)
        await driver.shutdown()

        #expect(results.map(\.outcome) == [.sent, .invalidAddress, .permanent, .sent])
        #expect(results[1].error?.hasPrefix("smtp_address_invalid") == true)
        #expect(results[2].error?.hasPrefix("smtp_content_missing") == true)
        #expect(results[3].providerMessageId?.hasPrefix("delivery-4.") == true)
        #expect(Set(try server.received().flatMap(\.envelope.rcptTos)) == ["first@example.org", "last@example.org"])
    }

    @Test("a batch on a shut-down driver is retried, every message of it")
    func retriesABatchAfterShutdown() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        let driver = try SMTPDriver(id: "email-main", config: config(server))
        _ = await driver.send(message(to: "warm@example.org"))
        await driver.shutdown()

        let batch = (1...5).map { message(to: "late\($0)@example.org", delivery: Int64($0)) }
        let results = await driver.send(batch: batch, concurrency: 4)

        #expect(results.map(\.outcome) == Array(repeating: .retry, count: 5))
        #expect(results.allSatisfy { $0.error?.hasPrefix("smtp_unavailable") == true })
        #expect(try server.received().map(\.envelope.rcptTos) == [["warm@example.org"]])
    }
}

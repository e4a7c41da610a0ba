import Foundation
import HeraldCore
import Testing
import Yams

@testable import HeraldChannels

@Suite("SMTP reply classification and config")
struct SMTPClassificationTests {
    let address = "maryam.rahimi@example.org"

    func classify(curl code: Int, reply: Int, error: String = "") -> SendResult {
        SMTPClassification.classify(
            CurlTransferResult(code: code, responseCode: reply, errorText: error), recipient: address,
            messageId: "delivery-1.a@example.com")
    }

    @Test("success carries the Message-ID as provider id")
    func success() {
        #expect(classify(curl: 0, reply: 250) == .sent(id: "delivery-1.a@example.com"))
    }

    @Test(
        "replies map to outcomes",
        arguments: [
            // (CURLcode, SMTP reply, libcurl error text, outcome, error code prefix)
            (55, 550, "RCPT failed: 550", AttemptOutcome.invalidAddress, "smtp_recipient_rejected"),
            (55, 553, "RCPT failed: 553", .invalidAddress, "smtp_recipient_rejected"),
            (55, 554, "RCPT failed: 554", .permanent, "smtp_rcpt_rejected"),
            (55, 451, "RCPT failed: 451", .retry, "smtp_rcpt_deferred"),
            (55, 552, "MAIL failed: 552", .permanent, "smtp_mail_rejected"),
            (8, 554, "", .permanent, "smtp_session_rejected"),
            (8, 421, "", .retry, "smtp_session_deferred"),
            (64, 250, "STARTTLS not supported.", .permanent, "smtp_starttls_unavailable"),
            (67, 535, "", .permanent, "smtp_auth_failed"),
            (67, 454, "", .retry, "smtp_auth_deferred"),
            (60, 0, "", .permanent, "smtp_tls_verify_failed"),
            (28, 250, "", .retry, "smtp_timeout"),
            (7, 0, "", .retry, "smtp_connection_failed"),
            (56, 250, "", .retry, "smtp_transfer_failed"),
        ])
    func classifies(code: Int, reply: Int, error: String, outcome: AttemptOutcome, prefix: String) {
        let result = classify(curl: code, reply: reply, error: error)
        #expect(result.outcome == outcome)
        #expect(result.error?.hasPrefix(prefix + ":") == true, "\(result.error ?? "nil")")
        #expect(result.error?.contains(address) == false)
        #expect(result.invalidAddresses == (outcome == .invalidAddress ? [address] : []))
    }

    @Test("a Unicode local part refused for its syntax is the relay's limit, not the address's; 550 still is")
    func unicodeLocalPart() {
        let recipient = "иван@xn--80a1acny.xn--p1ai"
        func classify(reply: Int) -> SendResult {
            SMTPClassification.classify(
                CurlTransferResult(code: 55, responseCode: reply, errorText: "RCPT failed: \(reply)"), recipient: recipient,
                needsSMTPUTF8: true, messageId: "delivery-1.a@example.com")
        }
        for reply in [500, 501, 553, 555] {
            let result = classify(reply: reply)
            #expect(result.outcome == .permanent)
            #expect(result.error?.hasPrefix("smtp_utf8_unsupported:") == true)
            #expect(result.invalidAddresses.isEmpty)
        }
        let unknown = classify(reply: 550)
        #expect(unknown.outcome == .invalidAddress)
        #expect(unknown.invalidAddresses == [recipient])
    }

    @Test("options decode from snake_case YAML with defaults")
    func decodesYAMLOptions() throws {
        let yaml = """
            url: smtps://relay.example.com:465
            username: herald
            from: shop@example.com
            from_name: Shop
            pool_size: 2
            unsubscribe_mailto: unsub@example.com
            dkim: {domain: example.com, selector: s1, private_key_pem: PEM}
            """
        let config = try YAMLDecoder().decode(SMTPConfig.self, from: yaml)
        #expect(config.url == "smtps://relay.example.com:465")
        #expect(config.starttls == .required)
        #expect(config.poolSize == 2)
        #expect(config.timeoutSeconds == 30)
        #expect(config.tlsVerify)
        #expect(config.dkim?.privateKeyPEM == "PEM")
        #expect(config.effectiveMessageIdDomain == "example.com")
    }

    @Test("a config that could never send is refused at start-up")
    func rejectsBadConfig() {
        #expect(throws: HeraldError.self) {
            try SMTPDriver(id: "e", config: SMTPConfig(url: "http://relay", from: "shop@example.com"))
        }
        #expect(throws: HeraldError.self) {
            try SMTPDriver(id: "e", config: SMTPConfig(url: "smtp://relay", from: "not-an-address"))
        }
        #expect(throws: HeraldError.self) {
            try SMTPDriver(id: "e", config: SMTPConfig(url: "smtp://relay", from: "a@b.c", poolSize: 0))
        }
    }
}

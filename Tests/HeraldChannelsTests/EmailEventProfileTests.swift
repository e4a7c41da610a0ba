import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// The shipped ESP event profiles read their providers' recorded webhook posts (`channels/<esp>/fixtures`)
/// to the bounce or complaint each describes.
@Suite("ESP bounce and complaint webhooks")
struct EmailEventProfileTests {
    func fixture(_ esp: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: ChannelsFolder.url.appendingPathComponent("\(esp)/fixtures/\(name)")))
    }

    func parse(_ esp: String, _ name: String) throws -> [EmailFeedback] {
        try EmailEventParser(profile: try EmailEventCatalog.profile(esp)).parse(try fixture(esp, name))
    }

    @Test func theFourProfilesShip() throws {
        #expect(try EmailEventCatalog.builtIn().keys.sorted() == ["mailgun", "postmark", "sendgrid", "ses"])
    }

    @Test func sesNotificationsInsideSNS() throws {
        let hard = try parse("ses", "sns-bounce-permanent.json")
        #expect(hard.map(\.kind) == [.hardBounce])
        #expect(hard.first?.recipient == "ann@example.net")
        #expect(hard.first?.status == "5.1.1")
        #expect(hard.first?.messageIds == ["delivery-41.5f3a@shop.example"])
        #expect(hard.first?.vouchesForRecipient == true)
        #expect(try parse("ses", "sns-bounce-transient.json").map(\.kind) == [.softBounce])
        let complaint = try parse("ses", "sns-complaint.json")
        #expect(complaint.map(\.kind) == [.complaint])
        #expect(complaint.first?.recipient == "cy@example.org")
        #expect(try parse("ses", "sns-delivery.json").isEmpty)
    }

    @Test func postmarkBouncesAndSpamComplaints() throws {
        #expect(try parse("postmark", "bounce-hard.json").map(\.kind) == [.hardBounce])
        #expect(try parse("postmark", "bounce-hard.json").first?.recipient == "ann@example.net")
        #expect(try parse("postmark", "bounce-soft.json").map(\.kind) == [.softBounce])
        #expect(try parse("postmark", "spam-complaint.json").map(\.kind) == [.complaint])
    }

    @Test func sendgridEventBatch() throws {
        let events = try parse("sendgrid", "events.json")
        #expect(events.map(\.kind) == [.hardBounce, .softBounce, .softBounce, .complaint])
        #expect(events.map(\.recipient) == ["ann@example.net", "bob@example.net", "eve@example.com", "cy@example.org"])
        #expect(events.first?.messageIds == ["delivery-41.5f3a@shop.example"])
        #expect(events.first?.status == "5.1.1")
    }

    @Test func mailgunFailuresAndComplaintsWithTheirSignature() throws {
        #expect(try parse("mailgun", "failed-permanent.json").map(\.kind) == [.hardBounce])
        #expect(try parse("mailgun", "failed-permanent.json").first?.messageIds == ["delivery-41.5f3a@shop.example"])
        #expect(try parse("mailgun", "failed-temporary.json").map(\.kind) == [.softBounce])
        #expect(try parse("mailgun", "complained.json").map(\.kind) == [.complaint])
        let key = "herald-test-mailgun-signing-key"
        for name in ["failed-permanent.json", "failed-temporary.json", "complained.json"] {
            try EmailEventParser.verifyMailgun(try fixture("mailgun", name), signingKey: key)
        }
        var tampered = String(decoding: try fixture("mailgun", "complained.json"), as: UTF8.self)
        tampered = tampered.replacingOccurrences(of: "\"1796465100\"", with: "\"1796465101\"")
        #expect(throws: HeraldError.self) { try EmailEventParser.verifyMailgun(Array(tampered.utf8), signingKey: key) }
        #expect(throws: HeraldError.self) { try EmailEventParser.verifyMailgun(try fixture("mailgun", "complained.json"), signingKey: "other") }
    }

    @Test func bodiesThatAreNotTheProfilesJSONAreRejected() throws {
        let parser = EmailEventParser(profile: try EmailEventCatalog.profile("ses"))
        #expect(throws: HeraldError.self) { try parser.parse(Array("not json".utf8)) }
        #expect(throws: HeraldError.self) { try parser.parse(Array(#"{"Type":"Notification","Message":"not json"}"#.utf8)) }
    }
}

/// SNS signatures checked against a certificate served on loopback in place of the SNS host.
@Suite("SNS message signatures")
struct SNSVerifierTests {
    static let certificate = ChannelsFolder.url.appendingPathComponent("ses/fixtures/test-signing-cert.pem")

    /// Serves the test certificate for any URL, and records which URLs were fetched.
    final class Fetches: @unchecked Sendable {
        private let lock = NSLock()
        private var urls: [URL] = []
        var fetched: [URL] { lock.withLock { urls } }

        func fetch(_ url: URL) throws -> [UInt8] {
            lock.withLock { urls.append(url) }
            return Array(try Data(contentsOf: SNSVerifierTests.certificate))
        }
    }

    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: ChannelsFolder.url.appendingPathComponent("ses/fixtures/\(name)")))
    }

    @Test func signaturesOfVersionOneAndTwoHoldAndTheCertificateComesFromTheConfiguredBase() async throws {
        let fetches = Fetches()
        let verifier = SNSVerifier(certificateBase: "http://127.0.0.1:9") { try fetches.fetch($0) }
        // The fixtures alternate SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA).
        for name in ["sns-bounce-permanent.json", "sns-bounce-transient.json", "sns-complaint.json", "sns-subscription-confirmation.json"] {
            let envelope = try await verifier.verify(try fixture(name))
            #expect(envelope["TopicArn"] == .string("arn:aws:sns:us-east-1:123456789012:ses-feedback"))
        }
        #expect(fetches.fetched.first?.absoluteString == "http://127.0.0.1:9/SimpleNotificationService-herald-test.pem")
        #expect(fetches.fetched.count == 1, "the certificate is fetched once and kept")
    }

    @Test func aTamperedMessageIsRejected() async throws {
        let verifier = SNSVerifier(certificateBase: "http://127.0.0.1:9") { try Fetches().fetch($0) }
        let original = String(decoding: try fixture("sns-bounce-permanent.json"), as: UTF8.self)
        let tampered = original.replacingOccurrences(of: "ann@example.net", with: "someone-else@example.net")
        #expect(tampered != original)
        await #expect(throws: HeraldError.self) { _ = try await verifier.verify(Array(tampered.utf8)) }
    }

    @Test func certificatesOnlyFromSNSHosts() async throws {
        let verifier = SNSVerifier { try Fetches().fetch($0) }
        for url in [
            "https://evil.example/SimpleNotificationService-x.pem", "http://sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.evil.example/x.pem", "https://s3.amazonaws.com/x.pem",
            "https://sns.attacker-chosen-name.amazonaws.com/x.pem", "https://sns.us-east-1a.amazonaws.com/x.pem",
        ] {
            #expect(throws: HeraldError.self) { _ = try verifier.resolve(url) }
            var envelope = String(decoding: try fixture("sns-complaint.json"), as: UTF8.self)
            envelope = envelope.replacingOccurrences(
                of: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-herald-test.pem", with: url)
            await #expect(throws: HeraldError.self) { _ = try await verifier.verify(Array(envelope.utf8)) }
        }
        #expect(try verifier.resolve("https://sns.eu-west-1.amazonaws.com/a.pem").host == "sns.eu-west-1.amazonaws.com")
        #expect(try verifier.resolve("https://sns.us-gov-west-1.amazonaws.com/a.pem").host == "sns.us-gov-west-1.amazonaws.com")
        #expect(try verifier.resolve("https://sns.cn-north-1.amazonaws.com.cn/a.pem").host == "sns.cn-north-1.amazonaws.com.cn")
    }

    /// A certificate URL that failed is not fetched again for a while, and the refusal names no host.
    @Test func aFailedCertificateIsNotFetchedOnEveryMessage() async throws {
        let fetches = Fetches()
        let verifier = SNSVerifier(certificateBase: "http://internal-proxy.corp:8080") { url in
            _ = try? fetches.fetch(url)
            throw HeraldError(code: "forbidden", message: "the SNS URL answered HTTP 404", statusCode: 403)
        }
        for _ in 0..<3 {
            do {
                _ = try await verifier.verify(try fixture("sns-complaint.json"))
                Issue.record("verified without a certificate")
            } catch let error as HeraldError {
                #expect(error.statusCode == 403)
                #expect(!error.message.contains("internal-proxy"))
            }
        }
        #expect(fetches.fetched.count == 1)
    }
}

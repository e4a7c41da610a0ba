import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// Expected signatures were computed outside Swift (Python's `hmac`, `hashlib`, `urllib.parse.parse_qsl`)
/// when these tests were written, so a bug in `WebhookSignature` cannot agree with itself.
@Suite struct WebhookSignatureTests {
    static let callbackURL = "https://herald.example.com/v1/inbound/sms-twilio"
    /// `channels/twilio/fixtures/receipt-delivered.json`'s body.
    static let deliveredBody =
        "MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&MessageStatus=delivered&AccountSid=AC0123456789abcdef0123456789abcdef&To=%2B989121234567"

    static func twilio() throws -> WebhookSignature {
        let spec = try #require(try ProfileCatalog.load(directory: ChannelsFolder.url).profile("twilio").signature)
        return WebhookSignature(spec: spec, secret: "twilio-test-token")
    }

    static func headers(_ value: String, name: String = "x-twilio-signature") -> [String: String] { [name: value] }

    @Test("the shipped Twilio profile accepts its recorded receipt signed for the public URL, query included")
    func twilioVectors() throws {
        let signature = try Self.twilio()
        let body = Array(Self.deliveredBody.utf8)
        try signature.verify(url: Self.callbackURL, headers: Self.headers("3Uj/jYABwfHHqBPZu8vifyoZsc8="), body: body)
        try signature.verify(
            url: Self.callbackURL + "?secret=s3cret", headers: Self.headers("AosmpKKhXsK6WTjS6MSjon3zKmg="), body: body)
    }

    @Test("parameters are sorted by name then value, with + and percent-escapes decoded (Persian text, duplicates)")
    func twilioSortsDecodedParameters() throws {
        let body = "Body=%D8%B3%D9%84%D8%A7%D9%85+STOP&From=%2B989121234567&b=2&a=x&a=1"
        try Self.twilio().verify(
            url: Self.callbackURL, headers: Self.headers("CfZ54Rs0YpMPkNg4FNoIIEAiB2U="), body: Array(body.utf8))
    }

    @Test(
        "a changed parameter, another URL, a missing or garbled header are refused as forbidden",
        arguments: [
            (deliveredBody.replacingOccurrences(of: "=delivered", with: "=failed"), callbackURL, "3Uj/jYABwfHHqBPZu8vifyoZsc8="),
            (deliveredBody, "http://herald.example.com/v1/inbound/sms-twilio", "3Uj/jYABwfHHqBPZu8vifyoZsc8="),
            (deliveredBody, callbackURL + "?secret=s3cret", "3Uj/jYABwfHHqBPZu8vifyoZsc8="),
            (deliveredBody, callbackURL, ""),
            (deliveredBody, callbackURL, "%%%"),
            (deliveredBody, callbackURL, "s+J0kuRKRzqsAUhXeDh5WwJ/FeY="),
        ])
    func twilioRefusals(body: String, url: String, header: String) throws {
        let error = #expect(throws: HeraldError.self) {
            try Self.twilio().verify(url: url, headers: Self.headers(header), body: Array(body.utf8))
        }
        #expect(error?.code == "forbidden")
        #expect(error?.statusCode == 403)
        #expect(error?.message.contains("3Uj/") == false)
    }

    @Test("a body-signed hex scheme with a prefix (Meta-style X-Hub-Signature-256) checks the raw body")
    func bodyHexPrefix() throws {
        let spec = Profile.SignatureSpec(
            header: "X-Hub-Signature-256", secret: "app_secret", algorithm: .hmacSHA256, payload: .body, encoding: .hex,
            prefix: "sha256=")
        let signature = WebhookSignature(spec: spec, secret: "app-secret")
        let body = Array(#"{"entry":[]}"#.utf8)
        let mac = "fe6aaed5aff30b5679e782271914a2287bdd7de6bedb495c95c24ad91e5e3fdb"
        try signature.verify(url: "ignored", headers: Self.headers("sha256=" + mac, name: "x-hub-signature-256"), body: body)
        try signature.verify(
            url: "ignored", headers: Self.headers("sha256=" + mac.uppercased(), name: "x-hub-signature-256"), body: body)
        for wrong in [mac, "sha1=" + mac, "sha256=" + mac.dropLast(2) + "00"] {
            #expect(throws: HeraldError.self) {
                try signature.verify(url: "ignored", headers: Self.headers(wrong, name: "x-hub-signature-256"), body: body)
            }
        }
    }

    @Test("the signed URL is the public base, without trailing slashes, + /v1/inbound/{channel_id} + the raw query")
    func signedURLShape() {
        #expect(
            WebhookSignature.callbackURL(publicBase: "https://h.example.com/herald/", channelId: "sms-twilio", query: nil)
                == "https://h.example.com/herald/v1/inbound/sms-twilio")
        #expect(
            WebhookSignature.callbackURL(publicBase: "https://h.example.com", channelId: "sms", query: "a=%2B1&b=2")
                == "https://h.example.com/v1/inbound/sms?a=%2B1&b=2")
    }

    @Test(
        "a signature block must name a declared secret and a real header",
        arguments: [
            ("secret: key", "secret: token", "signature.secret"),
            ("header: X-Acme-Signature", "header: X Acme", "signature.header"),
        ])
    func validation(replacing: String, with: String, field: String) throws {
        let yaml = Self.signedProfile.replacingOccurrences(of: replacing, with: with)
        let error = #expect(throws: HeraldError.self) { try ProfileCatalog.parse(yaml: yaml, file: "acme/profile.yaml") }
        #expect(error?.field == "acme/profile.yaml: \(field)")
        let profile = try ProfileCatalog.parse(yaml: Self.signedProfile, file: "acme/profile.yaml")
        #expect(profile.signature?.encoding == .base64)
        #expect(profile.signature?.algorithm == .hmacSHA256)
    }

    static let signedProfile =
        ProfileCatalogTests.valid + """

        signature:
          header: X-Acme-Signature
          secret: key
          algorithm: hmac-sha256
          payload: body
        """
}

import Foundation
import HeraldCore
import Testing

@Suite("Standard Webhooks signing")
struct StandardWebhookSignerTests {
    /// The example of the Standard Webhooks specification (also what the `standardwebhooks` package gives).
    @Test func signsTheSpecificationExample() throws {
        let signer = try StandardWebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", field: "secret")
        let headers = signer.headers(
            messageId: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: Date(timeIntervalSince1970: 1_614_265_330),
            body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(headers.first { $0.0 == "webhook-signature" }?.1 == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(headers.first { $0.0 == "webhook-timestamp" }?.1 == "1614265330")
        #expect(headers.first { $0.0 == "webhook-id" }?.1 == "msg_p5jXN8AQM9LWM0D4loKWxJek")
    }

    @Test(arguments: ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_not base64!", "whsec_c2hvcnQ="])
    func refusesASecretNotInTheWhsecForm(_ secret: String) {
        #expect(throws: HeraldError.self) { try StandardWebhookSigner(secret: secret, field: "webhooks[0].secret") }
    }

    @Test func generatedSecretsAreUsable() throws {
        let secret = StandardWebhookSigner.generateSecret()
        #expect(secret.hasPrefix("whsec_"))
        _ = try StandardWebhookSigner(secret: secret, field: "secret")
    }
}

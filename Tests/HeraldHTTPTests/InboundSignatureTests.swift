import Foundation
import HTTPTypes
import HeraldCore
import HeraldDaemon
import HeraldHTTP
import HummingbirdTesting
import NIOCore
import Testing

/// Provider-signed receipts through the daemon's real `InboundRouter`, built from a config that uses the
/// shipped `channels/` profiles: Twilio (signed callbacks) and generic-json (inbound secret only).
@Suite("Inbound: provider webhook signatures")
struct InboundSignatureTests {
    static let twilioReceipt =
        "MessageSid=SM42&MessageStatus=delivered&AccountSid=AC0123456789abcdef0123456789abcdef&To=%2B15558675310"
    /// base64(HMAC-SHA1("twilio-test-token", "https://herald.example.com/v1/inbound/sms-twilio" + sorted params)),
    /// computed outside Swift with Python's hmac module when this test was written.
    static let twilioSignature = "23vQ7/TVO/nLysjgLn+751DxfS8="
    /// The same receipt signed for the URL the daemon sees locally, not the public one Twilio called.
    static let localURLSignature = "RLA9aGhzzW2eqk42QqIkcyXHNqc="

    @Test("a Twilio-signed receipt marks the delivery delivered; tampered, wrongly addressed or unsigned ones change nothing")
    func twilioSignedReceipts() async throws {
        try await withInboundApp { app in
            let rejected: [(body: String, signature: String?)] = [
                (Self.twilioReceipt.replacingOccurrences(of: "=delivered", with: "=failed"), Self.twilioSignature),
                (Self.twilioReceipt, Self.localURLSignature),
                (Self.twilioReceipt, nil),
                (Self.twilioReceipt, "not base64!"),
            ]
            for attempt in rejected {
                let response = try await postForm(app, "/v1/inbound/sms-twilio", attempt.body, signature: attempt.signature)
                #expect(response.status == .forbidden)
                #expect(try response.error().code == "forbidden")
                #expect(try await state(app, contact: "u1") == .sent)
            }
            let signed = try await postForm(app, "/v1/inbound/sms-twilio", Self.twilioReceipt, signature: Self.twilioSignature)
            #expect(signed.status == .ok)
            #expect(try signed.json()["receipts"] as? Int == 1)
            #expect(try await state(app, contact: "u1") == .delivered)
        }
    }

    @Test("a profile without a signature block keeps the inbound secret as its only guard")
    func unsignedProfileUsesTheSecret() async throws {
        try await withInboundApp { app in
            let receipt = #"{"id": "G7", "status": "delivered"}"#
            let noSecret = try await app.send(.post, "/v1/inbound/sms-plain", as: nil, body: receipt)
            #expect(noSecret.status == .forbidden)
            #expect(try await state(app, contact: "u2") == .sent)
            let withSecret = try await app.send(.post, "/v1/inbound/sms-plain?secret=plain-s3cret", as: nil, body: receipt)
            #expect(withSecret.status == .ok)
            #expect(try await state(app, contact: "u2") == .delivered)
        }
    }

    @Test("a signing profile without its secret is refused at start-up, naming the option")
    func missingSigningSecret() throws {
        let loaded = try Self.config(twilioOptions: "{}")
        #expect {
            try InboundRouter(loaded: loaded, environment: [:])
        } throws: { error in
            (error as? HeraldError)?.field == "channels.sms-twilio.options.auth_token"
        }
    }

    // MARK: - Fixture

    /// An app whose `u1` delivery was sent through `sms-twilio` as `SM42` and `u2`'s through `sms-plain` as `G7`.
    private func withInboundApp(_ test: @Sendable @escaping (HeraldHarness) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-sig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = directory.appendingPathComponent("auth_token")
        let plainSecret = directory.appendingPathComponent("inbound_secret")
        try "twilio-test-token\n".write(to: token, atomically: true, encoding: .utf8)
        try "plain-s3cret\n".write(to: plainSecret, atomically: true, encoding: .utf8)
        let loaded = try Self.config(
            twilioOptions: "{from: \"+15017122661\", auth_token_file: \(token.path)}",
            plainOptions: "{inbound_secret_file: \(plainSecret.path)}")
        let router = try InboundRouter(loaded: loaded, environment: [:])
        try await HeraldHarness.run(inbound: router) { app in
            for id in ["u1", "u2"] {
                try await app.send(.put, "/v1/contacts/\(id)", as: .enqueue, body: #"{"phone": "+15558675310"}"#)
            }
            let jobId = try await app.createJob(jobJSON(audience: #"{"contact_ids": ["u1", "u2"]}"#))
            try await app.writeDeliveries(jobId: jobId, [("u1", .sms, .queued, nil), ("u2", .sms, .queued, nil)])
            let claimed = try await app.store.claimDue(
                ClaimRequest(
                    owner: "test", now: HeraldHarness.now, limit: 10, leaseUntil: HeraldHarness.now + 60, policy: SendAll())
            ).claimed
            let sent = [("u1", "sms-twilio", "SM42"), ("u2", "sms-plain", "G7")]
            let outcomes = try sent.map { contact, instance, messageId in
                let delivery = try #require(claimed.first { $0.contact.id == contact })
                let attempt = Attempt(
                    number: 1, at: HeraldHarness.now, latencyMs: 10, instance: instance, outcome: .sent,
                    providerMessageId: messageId, error: nil)
                return DeliveryOutcome(deliveryId: delivery.deliveryId, owner: "test", attempts: [attempt], next: .sent)
            }
            try await app.store.recordOutcomes(outcomes, at: HeraldHarness.now)
            try await test(app)
        }
    }

    private static func config(twilioOptions: String, plainOptions: String = "{}") throws -> LoadedConfig {
        let channels = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("channels")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-sig-\(UUID().uuidString).yaml")
        try """
        public_url: https://herald.example.com
        profiles_dir: \(channels.path)
        channels:
          - {id: sms-twilio, kind: sms, driver: http, profile: twilio, options: \(twilioOptions)}
          - {id: sms-plain, kind: sms, driver: http, profile: generic-json, options: \(plainOptions)}
        """.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        return try LoadedConfig.load(path: path.path, environment: [:])
    }

    private func postForm(_ app: HeraldHarness, _ uri: String, _ body: String, signature: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let signature { headers[HTTPField.Name("X-Twilio-Signature")!] = signature }
        return try await app.client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    private func state(_ app: HeraldHarness, contact: String) async throws -> DeliveryState? {
        try await app.store.deliveries(DeliveryQuery(contactId: contact)).first?.state
    }
}

/// Lets every delivery through: these tests are about receipts, not policy.
private struct SendAll: DeliveryPolicy {
    var capLookback: TimeInterval { 0 }
    func decide(_ input: PolicyInput) -> PolicyDecision {
        PolicyDecision(.send, trace: [TraceStep(rule: "test", outcome: "send", detail: "allowed")])
    }
}

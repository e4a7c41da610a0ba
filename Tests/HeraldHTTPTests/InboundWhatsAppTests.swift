import Foundation
import HTTPTypes
import HeraldCore
import HeraldDaemon
import HeraldHTTP
import HummingbirdTesting
import NIOCore
import Testing

/// WhatsApp webhooks through the daemon's real `InboundRouter` and the shipped profile: Meta's URL check is
/// answered only for the instance's inbound secret, and a status notification counts only when signed with
/// the app secret.
@Suite("Inbound: WhatsApp webhooks")
struct InboundWhatsAppTests {
    static let delivered = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","statuses":[{"id":"wamid.TEST","status":"delivered","timestamp":"1700000200","recipient_id":"15558675310"}]}}]}]}"#
    /// hex(HMAC-SHA256("wa-app-secret", delivered)), computed with Python's hmac module when this test was written.
    static let signature = "sha256=6ebe7e96324f7c33a87d9bb0f3defac0778d7bcc99f8aeb9b3c4b4eb5aadd587"

    @Test("Meta's URL check is answered with the bare challenge for the inbound secret, and refused otherwise")
    func urlCheck() async throws {
        try await withWhatsAppApp { app in
            let check = "/v1/inbound/wa?secret=wa-verify-token&hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
            let answered = try await app.send(.get, check + "wa-verify-token", as: nil)
            #expect(answered.status == .ok)
            #expect(String(buffer: answered.body) == "1158201444")
            #expect(answered.headers[.contentType]?.hasPrefix("text/plain") == true)
            let wrong = try await app.send(.get, check + "guess", as: nil)
            #expect(wrong.status == .forbidden)
            #expect(!String(buffer: wrong.body).contains("1158201444"))
            let markup = try await app.send(.get, "/v1/inbound/wa?hub.challenge=%3Cscript%3E&hub.verify_token=wa-verify-token", as: nil)
            #expect(markup.status == .badRequest)
        }
    }

    @Test("a status signed with the app secret marks the delivery delivered; unsigned or tampered ones change nothing")
    func signedStatus() async throws {
        try await withWhatsAppApp { app in
            let tampered = Self.delivered.replacingOccurrences(of: "delivered", with: "failed")
            let refusals = [
                (Self.wa, tampered, Self.signature), (Self.wa, Self.delivered, nil), (Self.wa, Self.delivered, "sha256=00"),
                // The instance has an inbound secret (for the URL check), so callbacks must carry it too.
                ("/v1/inbound/wa", Self.delivered, Self.signature),
            ]
            for (uri, body, signature) in refusals {
                let refused = try await post(app, uri, body, signature: signature)
                #expect(refused.status == .forbidden)
                #expect(try await state(app) == .sent)
            }
            let accepted = try await post(app, Self.wa, Self.delivered, signature: Self.signature)
            #expect(accepted.status == .ok)
            #expect(try accepted.json()["receipts"] as? Int == 1)
            #expect(try await state(app) == .delivered)
        }
    }

    // MARK: - Fixture

    /// An app whose `u1` delivery was sent through `wa` as `wamid.TEST`.
    private func withWhatsAppApp(_ test: @Sendable @escaping (HeraldHarness) async throws -> Void) async throws {
        let channels = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("channels")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-wa-\(UUID().uuidString).yaml")
        try """
        public_url: https://herald.example.com
        profiles_dir: \(channels.path)
        channels:
          - id: wa
            kind: messenger
            driver: http
            profile: whatsapp
            options: {phone_number_id: "106540352242922", access_token_env: WA_TOKEN, app_secret_env: WA_APP_SECRET, inbound_secret_env: WA_VERIFY}
        """.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let environment = ["WA_TOKEN": "EAAG-test", "WA_APP_SECRET": "wa-app-secret", "WA_VERIFY": "wa-verify-token"]
        let loaded = try LoadedConfig.load(path: path.path, environment: environment)
        let router = try InboundRouter(loaded: loaded, environment: environment)
        try await HeraldHarness.run(inbound: router) { app in
            try await app.send(.put, "/v1/contacts/u1", as: .enqueue, body: #"{"phone": "+15558675310"}"#)
            let jobId = try await app.createJob(jobJSON())
            try await app.writeDeliveries(jobId: jobId, [("u1", .sms, .queued, nil)])
            let claimed = try await app.store.claimDue(
                ClaimRequest(owner: "test", now: HeraldHarness.now, limit: 10, leaseUntil: HeraldHarness.now + 60, policy: PassAll())
            ).claimed
            let delivery = try #require(claimed.first)
            let attempt = Attempt(
                number: 1, at: HeraldHarness.now, latencyMs: 10, instance: "wa", outcome: .sent,
                providerMessageId: "wamid.TEST", error: nil)
            try await app.store.recordOutcomes(
                [DeliveryOutcome(deliveryId: delivery.deliveryId, owner: "test", attempts: [attempt], next: .sent)],
                at: HeraldHarness.now)
            try await test(app)
        }
    }

    /// The callback URL as configured in Meta's dashboard: the inbound secret rides along.
    static let wa = "/v1/inbound/wa?secret=wa-verify-token"

    private func post(_ app: HeraldHarness, _ uri: String, _ body: String, signature: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let signature { headers[HTTPField.Name("X-Hub-Signature-256")!] = signature }
        return try await app.client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    private func state(_ app: HeraldHarness) async throws -> DeliveryState? {
        try await app.store.deliveries(DeliveryQuery(contactId: "u1")).first?.state
    }
}

/// Lets every delivery through: these tests are about webhooks, not policy.
private struct PassAll: DeliveryPolicy {
    var capLookback: TimeInterval { 0 }
    func decide(_ input: PolicyInput) -> PolicyDecision {
        PolicyDecision(.send, trace: [TraceStep(rule: "test", outcome: "send", detail: "allowed")])
    }
}

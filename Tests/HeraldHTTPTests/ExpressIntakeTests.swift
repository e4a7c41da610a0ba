import Foundation
import HeraldCore
import HeraldDaemon
import HeraldEngine
import HeraldHTTP
import HeraldPolicy
import HeraldStoreSQLite
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// An express job accepted at intake makes bulk work take small bites of SQLite's writer at once, before its
/// claim: its own claim then waits for a short transaction, not a campaign's full batch.
@Suite("Intake: an express job tells bulk work to take small bites")
struct ExpressIntakeTests {
    @Test func anOTPMarksExpressTrafficAndCampaignsAndSegmentJobsDoNot() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-express-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
        try await store.migrate()
        try await store.insertAPIKey(hash: APIKey.hash("hk_test_enqueue"), role: .enqueue, label: "e", at: HeraldHarness.now)
        try await store.upsertContacts(
            [Contact(id: "u1", timezone: "UTC", attributes: [:], phone: "+15555550100")], at: HeraldHarness.now)
        let policy = CompliancePolicy(rules: try PolicySettings.rules(try LoadedConfig.load(path: nil, environment: [:])))
        var deps = APIDependencies(
            store: store, templates: store, fanoutSignal: WorkSignal(), unsubscribeSecret: HeraldHarness.secret)
        deps.now = { HeraldHarness.now }
        deps.inlineFanout = FanoutPlanner(policy: policy).inline(maxAudience: 100, expressPriority: 5)
        let traffic = ExpressTraffic()
        deps.expressTraffic = traffic
        let app = Application(router: HeraldAPI(deps: deps).router())
        try await app.test(.router) { client in
            func post(_ body: String) async throws {
                let response = try await client.execute(
                    uri: "/v1/jobs", method: .post,
                    headers: [.authorization: "Bearer hk_test_enqueue", .contentType: "application/json"],
                    body: ByteBuffer(string: body))
                #expect(response.status == .accepted)
            }
            try await post(
                #"{"idempotency_key":"promo","purpose":"marketing","audience":{"contact_ids":["u1"]},"channels":["sms"],"content":{"sms":{"text":"Sale"}}}"#)
            #expect(traffic.bulkLimit(1000, at: HeraldHarness.now) == 1000)
            // Transactional and urgent, but to a segment: bulk work, which goes through the fan-out queue.
            try await post(
                #"{"idempotency_key":"notice","purpose":"transactional","priority":9,"audience":{"segment":"attributes.cohort >= 0"},"channels":["sms"],"content":{"sms":{"text":"Notice"}}}"#)
            #expect(traffic.bulkLimit(1000, at: HeraldHarness.now) == 1000)
            try await post(
                #"{"idempotency_key":"otp","purpose":"transactional","audience":{"contact_ids":["u1"]},"channels":["sms"],"content":{"sms":{"text":"Code 1234"}}}"#)
            #expect(traffic.bulkLimit(1000, at: HeraldHarness.now) == 250)
        }
        try await store.close()
    }
}

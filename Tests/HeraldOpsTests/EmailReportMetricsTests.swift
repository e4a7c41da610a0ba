import Foundation
import HeraldCore
import HeraldHTTP
import Hummingbird
import HummingbirdTesting
import Testing

/// Stands in for the daemon's email inbound: every post holds one unmatched DSN bounce and one ESP bounce.
private struct TwoReports: InboundHandling {
    func parse(channelId: String, headers: [String: String], query: String?, body: Data) async throws -> [InboundAction] {
        [
            .emailReport(
                [
                    EmailFeedback(kind: .hardBounce, recipient: "ann@example.net", status: "5.1.1", source: "dsn"),
                    EmailFeedback(kind: .hardBounce, recipient: "bob@example.net", source: "ses", vouchesForRecipient: true),
                ], rule: .standard)
        ]
    }
}

@Suite("Email report metrics")
struct EmailReportMetricsTests {
    @Test("bounces and complaints are counted by channel, kind and outcome, never by address")
    func countedByOutcome() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        var deps = try await OpsApp(fixture: fixture).deps
        deps.inbound = TwoReports()
        let app = Application(router: HeraldAPI(deps: deps).router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/inbound/email-main", method: .post, body: ByteBuffer(string: "report")) {
                #expect($0.status == .accepted)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                let samples = PrometheusSamples(text)
                let labels = ["channel": "email-main", "kind": "hard_bounce"]
                #expect(samples.value("herald_email_reports_total", labels.merging(["outcome": "unmatched"]) { $1 }) == 1)
                #expect(samples.value("herald_email_reports_total", labels.merging(["outcome": "suppressed"]) { $1 }) == 1)
                #expect(!text.contains("example.net"))
            }
        }
    }
}

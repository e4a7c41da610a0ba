import Foundation
import HeraldCore
import HeraldDaemon
import HeraldPolicy
import HeraldStoreSQLite
import Testing

/// `herald enqueue --dry-run`: the policy's decisions and rendered samples, with nothing written, and
/// counts that the real run then matches.
@Suite("Job dry run")
struct DryRunTests {
    /// Rows in every table a job or a send writes to, read by an outside process.
    static func rowCounts(_ fixture: OpsFixture) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [
            fixture.directory.appendingPathComponent("herald.sqlite").path,
            """
            SELECT (SELECT count(*) FROM jobs), (SELECT count(*) FROM deliveries), (SELECT count(*) FROM attempts),
            (SELECT count(*) FROM send_log), (SELECT count(*) FROM consent_events), (SELECT count(*) FROM suppressions)
            """,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aDryRunWritesNothingAndTheRealRunMatchesItsCounts() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        let now = Date()
        try await fixture.store.upsertContacts(
            [
                Contact(id: "d1", timezone: "Europe/Berlin", attributes: ["name": "Anna"], email: "anna@example.com"),
                Contact(id: "d2", timezone: "Asia/Tehran", locale: "fa-IR", attributes: ["name": "سارا"], email: "sara@example.ir"),
                Contact(id: "d3", timezone: "Europe/Berlin"),
                Contact(id: "d4", timezone: "Europe/Berlin", email: "out@example.com"),
            ], at: now)
        _ = try await fixture.store.appendConsent(
            ConsentInput(
                contactId: "d4", channel: "email", topic: "*", status: .revoked, source: "test", evidence: [:],
                actor: "test", occurredAt: now), at: now)
        let spec = JobSpec(
            idempotencyKey: "dry", purpose: .transactional,
            audience: Audience(contactIds: ["d1", "d2", "d3", "d4", "ghost"]), channels: [.email],
            content: Content(
                email: .init(
                    subject: "Hi {{attributes.name}}", text: "Your order shipped.",
                    locales: ["fa": .init(subject: "سلام {{attributes.name}}", text: "سفارش شما ارسال شد.")])))

        let before = try Self.rowCounts(fixture)
        let report = try await JobDryRun.run(
            spec, store: fixture.store, policy: CompliancePolicy(rules: PolicyRules()), now: now, smsMaxSegments: 10,
            publicBaseURL: "https://h.example", sampleSize: 5)
        #expect(try Self.rowCounts(fixture) == before, "a dry run writes nothing")

        #expect(report.audience == 5)
        #expect(report.deliveries == 5)
        #expect(report.byState == ["queued": 2, "suppressed": 3])
        #expect(report.bySuppressionReason == ["no_address": 2, "opted_out": 1])
        let persian = try #require(report.sample.first { $0.contactId == "d2" }?.deliveries.first)
        #expect(persian.state == .queued)
        #expect(persian.render?.variant == "fa")
        #expect(persian.render?.subject == "سلام سارا")
        #expect(report.sample.first { $0.contactId == "d3" }?.deliveries.first?.reason == .noAddress)
        #expect(report.sample.first { $0.contactId == "d3" }?.deliveries.first?.render == nil)

        let created = try await fixture.store.createJob(spec, bodyHash: spec.canonicalHash(), at: now)
        guard case .created(let job) = created else { throw HeraldError(code: "test", message: "job not created") }
        try await fixture.runJob()
        let progress = try await fixture.store.progress(jobId: job.id)
        #expect(progress.byState == ["sent": report.byState["queued"]!, "suppressed": report.byState["suppressed"]!])
        #expect(progress.byReason == report.bySuppressionReason)
    }
}

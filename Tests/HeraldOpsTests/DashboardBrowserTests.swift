import Foundation
import HeraldCore
import HeraldStoreSQLite
import HeraldHTTP
import Hummingbird
import HummingbirdTesting
import Testing

/// Loads `/ui` in headless Chromium against a live server with data, and asserts on what the browser shows.
/// With HERALD_UI_SCREENSHOTS=DIR it also saves screenshots of the main views (how docs/ got them).
@Suite("Dashboard in a real browser", .enabled(if: Chromium.available, "needs Debian's chromium"))
struct DashboardBrowserTests {
    @Test("overview, contact consent view and decision trace render the data, masked and right-to-left")
    func dashboard() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        let job = try await fixture.seed()
        try await fixture.runJob()
        let failed = try await fixture.store.deliveries(DeliveryQuery(jobId: job.id, state: .failed)).first
        let failedId = try #require(failed?.id)
        let app = try await OpsApp(fixture: fixture)
        let ops = app.keys[.ops]!
        let compliance = app.keys[.compliance]!

        try await app.application().test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"

            let signIn = try await Chromium.dumpDOM("\(base)/ui")
            #expect(signIn.contains("Sign in") && signIn.contains("name=\"key\""))

            let overview = try await Chromium.dumpDOM("\(base)/ui?key=\(ops)")
            #expect(overview.contains("signed in as ops"))
            #expect(overview.contains("otp-batch-1"))
            #expect(overview.contains("3/3"))
            #expect(overview.contains("role=\"progressbar\""))
            #expect(overview.contains("550 mailbox unavailable"))
            #expect(overview.contains(Redaction.mask(OpsFixture.failingAddress)))
            #expect(!overview.contains(OpsFixture.failingAddress))
            #expect(overview.contains("<svg") && overview.contains("series-email"))
            #expect(overview.contains("email: 2 in the last hour"))
            #expect(!overview.contains(ops), "the key must not stay in the page or its URL")

            // Ops sees the contact's addresses masked and current consent, not the evidence.
            let opsContact = try await Chromium.dumpDOM("\(base)/ui/contact?id=c-2&key=\(ops)")
            #expect(opsContact.contains("m***@example.ir"))
            #expect(!opsContact.contains("maryam@example.ir"))
            #expect(opsContact.contains("needs a compliance key"))
            #expect(!opsContact.contains("203.0.113.7"))

            // Compliance sees history with evidence; Persian text sits in dir="auto" cells.
            let contact = try await Chromium.dumpDOM("\(base)/ui/contact?id=c-2&key=\(compliance)")
            #expect(contact.contains("<td dir=\"auto\">خبرنامه</td>"))
            #expect(contact.contains("class=\"revoked\""))
            #expect(contact.contains("203.0.113.7"))
            #expect(contact.contains("عضویت در خبرنامه"))
            #expect(contact.contains("مریم"))

            let trace = try await Chromium.dumpDOM("\(base)/ui/delivery?id=\(failedId)&key=\(ops)")
            #expect(trace.contains("Decision trace"))
            #expect(trace.contains("permanent"))
            #expect(trace.contains("mail-main"))
            #expect(trace.contains("failed"))

            // The compliance key's consent view was itself recorded; the ops views were not consent reads.
            let records = try await fixture.store.accessRecords(afterId: 0, limit: 10)
            #expect(records.map(\.action) == ["dashboard_consent"])
            #expect(records.first?.query == "contact_id=c-2")

            if let directory = ProcessInfo.processInfo.environment["HERALD_UI_SCREENSHOTS"] {
                try await Chromium.screenshot("\(base)/ui?key=\(ops)", to: "\(directory)/dashboard-overview.png", height: 1500)
                try await Chromium.screenshot(
                    "\(base)/ui/contact?id=c-2&key=\(compliance)", to: "\(directory)/dashboard-contact.png", height: 1000)
                try await Chromium.screenshot(
                    "\(base)/ui/delivery?id=\(failedId)&key=\(ops)", to: "\(directory)/dashboard-trace.png", height: 900)
            }
        }
    }
}

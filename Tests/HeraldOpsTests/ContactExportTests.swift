import Foundation
import HeraldCore
import HeraldHTTP
import HeraldStoreSQLite
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Access export of one contact")
struct ContactExportTests {
    @Test("one document: contact, consent, deliveries with attempts and traces, suppressions, bounces; audited")
    func exportsEverythingHeld() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        _ = try await fixture.seed()
        try await fixture.runJob()
        _ = try await fixture.store.appendConsent(
            ConsentInput(
                contactId: "c-3", channel: "email", status: .granted, source: "signup_form",
                evidence: ["ip": "198.51.100.9", "form_text": "Yes, send me news"], actor: "web", occurredAt: Date()),
            at: Date())
        _ = try await fixture.store.addSuppressions(
            [SuppressionEntry(address: OpsFixture.failingAddress, reason: "hard_bounce", note: "550 from the MX")],
            actor: "cli", at: Date())
        _ = try await fixture.store.recordBounce(
            BounceRecord(kind: .soft, address: OpsFixture.failingAddress, status: "4.2.2", source: "dsn"), rule: .standard,
            at: Date())
        let app = try await OpsApp(fixture: fixture)
        try await app.application().test(.router) { client in
            try await client.execute(uri: "/v1/contacts/c-3/export", method: .get, headers: app.bearer(.ops)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/v1/contacts/c-3/export", method: .get, headers: app.bearer(.compliance)) {
                response in
                #expect(response.status == .ok)
                let document = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(document["contact_id"] as? String == "c-3")
                let contact = try #require(document["contact"] as? [String: Any])
                #expect(contact["email"] as? String == OpsFixture.failingAddress)
                #expect((contact["attributes"] as? [String: Any])?["first_name"] as? String == "Bob")

                let consent = try #require(document["consent"] as? [String: Any])
                let events = try #require(consent["events"] as? [[String: Any]])
                #expect(events.count == 1)
                #expect((events[0]["evidence"] as? [String: Any])?["form_text"] as? String == "Yes, send me news")
                #expect(events[0]["hash"] as? String != nil)
                #expect((consent["current"] as? [[String: Any]])?.first?["status"] as? String == "granted")

                let deliveries = try #require(document["deliveries"] as? [[String: Any]])
                #expect(deliveries.count == 1)
                #expect(deliveries[0]["state"] as? String == "failed")
                let attempts = try #require(deliveries[0]["attempts"] as? [[String: Any]])
                #expect(attempts.first?["outcome"] as? String == "permanent")
                #expect((deliveries[0]["trace"] as? [Any])?.isEmpty == false)

                let suppressions = try #require(document["suppressions"] as? [[String: Any]])
                #expect(suppressions.map { $0["reason"] as? String } == ["hard_bounce"])
                let changes = try #require(document["suppression_changes"] as? [[String: Any]])
                #expect(changes.map { $0["action"] as? String } == ["added"])
                let bounces = try #require(document["bounces"] as? [[String: Any]])
                #expect(bounces.map { $0["kind"] as? String } == ["soft"])
                #expect(bounces.first?["address"] as? String == OpsFixture.failingAddress)
                #expect(bounces.first?["status"] as? String == "4.2.2")
            }
            try await client.execute(uri: "/v1/contacts/nobody/export", method: .get, headers: app.bearer(.compliance)) {
                #expect($0.status == .notFound)
            }
        }
        let records = try await fixture.store.accessRecords(afterId: 0, limit: 10)
        #expect(records.map(\.action) == ["contact_export", "contact_export"])
        #expect(records.map(\.query) == ["contact_id=c-3", "contact_id=nobody"])
        #expect(records.allSatisfy { $0.role == "compliance" })
    }
}

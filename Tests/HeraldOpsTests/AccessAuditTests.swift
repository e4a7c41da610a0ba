import Foundation
import HeraldCore
import HeraldStoreSQLite
import HeraldHTTP
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Audit of compliance reads")
struct AccessAuditTests {
    struct Page: Decodable {
        var records: [AccessRecord]
    }

    @Test("history, export and verify reads are recorded with who, what and query, and listable by compliance only")
    func recordsReads() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        _ = try await fixture.seed()
        let app = try await OpsApp(fixture: fixture)
        let compliance = app.bearer(.compliance)
        try await app.application().test(.router) { client in
            try await client.execute(uri: "/v1/contacts/c-2/consents", method: .get, headers: compliance) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/audit/consents?format=csv", method: .get, headers: compliance) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/audit/verify", method: .get, headers: compliance) { #expect($0.status == .ok) }
            // A refused read records nothing.
            try await client.execute(uri: "/v1/audit/verify", method: .get, headers: app.bearer(.ops)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/v1/audit/access", method: .get, headers: app.bearer(.ops)) { #expect($0.status == .forbidden) }

            try await client.execute(uri: "/v1/audit/access", method: .get, headers: compliance) { response in
                #expect(response.status == .ok)
                let page = try HeraldJSON.decoder().decode(Page.self, from: Data(response.body.readableBytesView))
                #expect(page.records.map(\.action) == ["consent_history", "consent_export", "chain_verify"])
                #expect(page.records.allSatisfy { $0.role == "compliance" })
                let prefix = String(APIKey.hash(app.keys[.compliance]!).prefix(12))
                #expect(page.records.allSatisfy { $0.keyHashPrefix == prefix })
                #expect(page.records[0].query == "contact_id=c-2")
                #expect(page.records[1].query == "format=csv")
                // Never the key itself.
                #expect(!String(buffer: response.body).contains(app.keys[.compliance]!))
            }
        }
    }
}

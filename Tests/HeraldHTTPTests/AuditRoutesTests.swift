import Foundation
import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Audit export and chain verification")
struct AuditRoutesTests {
    /// Records `count` events, the last with evidence full of commas and quotes.
    static func record(_ app: HeraldHarness, count: Int) async throws {
        for index in 0..<count {
            let evidence = index == count - 1 ? #", "evidence": {"form": "Yes, I agree to \"offers\""}"# : ""
            let body = """
                {"contact_id": "c\(index)", "channel": "email", "status": "granted", "source": "form, v2"\(evidence)}
                """
            let checked1 = try await app.send(.post, "/v1/consents", as: .compliance, body: body)
            #expect(checked1.status == .created)
        }
    }

    @Test("NDJSON export streams every event in id order")
    func ndjson() async throws {
        try await HeraldHarness.run { app in
            try await Self.record(app, count: 5)
            let response = try await app.send(.get, "/v1/audit/consents", as: .compliance)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/x-ndjson")
            let lines = response.text.split(separator: "\n")
            #expect(lines.count == 5)
            let ids = try lines.map { line in
                try (JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? Int
            }
            #expect(ids == [1, 2, 3, 4, 5])
        }
    }

    @Test("CSV export has a header and quotes commas and quotes")
    func csv() async throws {
        try await HeraldHarness.run { app in
            try await Self.record(app, count: 3)
            let response = try await app.send(.get, "/v1/audit/consents?format=csv", as: .compliance)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = response.text.split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines.first?.hasPrefix("id,contact_id,channel,topic,status,source,evidence") == true)
            #expect(lines[1].contains(#","form, v2","#))
            #expect(lines[3].contains(#""{""form"":""Yes, I agree to \""offers\""""}""#))
        }
    }

    @Test("export rejects an unknown format and bad time bounds")
    func badParameters() async throws {
        try await HeraldHarness.run { app in
            for (query, field) in [("format=xml", "format"), ("since=now", "since"), ("until=2026-13-01", "until")] {
                let response = try await app.send(.get, "/v1/audit/consents?\(query)", as: .compliance)
                #expect(response.status == .badRequest)
                #expect(try response.error().field == field)
            }
        }
    }

    @Test("verify reports ok with the event count and the head hash")
    func verify() async throws {
        try await HeraldHarness.run { app in
            let empty = try await app.send(.get, "/v1/audit/verify", as: .compliance).json()
            #expect(empty["ok"] as? Bool == true)
            #expect(empty["events"] as? Int == 0)

            try await Self.record(app, count: 4)
            let last = try #require(try await app.store.consentEvents(contactId: "c3").last)
            let report = try await app.send(.get, "/v1/audit/verify", as: .compliance).json()
            #expect(report["ok"] as? Bool == true)
            #expect(report["events"] as? Int == 4)
            #expect(report["head_hash"] as? String == last.hash)
        }
    }
}

import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Bulk consent import route")
struct ConsentImportRoutesTests {
    static func line(_ number: Int, channel: String = "email", evidence: String? = nil) -> String {
        let evidence = evidence ?? #"{"ip":"198.51.100.\#(number % 250)","form":"signup v2"}"#
        return #"{"contact_id":"m\#(number % 500)","channel":"\#(channel)","status":"\#(number % 9 == 0 ? "revoked" : "granted")","source":"legacy_esp","evidence":\#(evidence),"occurred_at":"2025-0\#(1 + number % 9)-01T10:00:00Z"}"#
    }

    @Test("10,000 lines with line 5,000 broken: 400 naming the line, and nothing written")
    func brokenLineWritesNothing() async throws {
        try await HeraldHarness.run { app in
            let body = (1...10_000).map { $0 == 5_000 ? Self.line($0, channel: "fax") : Self.line($0) }.joined(separator: "\n")
            let response = try await app.send(.post, "/v1/consents/batch", as: .compliance, body: body, contentType: "application/x-ndjson")
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.field == "line 5000")
            #expect(error.message?.hasPrefix("channel:") == true)
            let verify = try await app.send(.get, "/v1/audit/verify", as: .compliance).json()
            #expect(verify["ok"] as? Bool == true)
            #expect(verify["events"] as? Int == 0)
        }
    }

    @Test("evidence that is not an object is 400 invalid_type naming the line, and nothing written")
    func evidenceMustBeAnObject() async throws {
        try await HeraldHarness.run { app in
            let body = [Self.line(1), Self.line(2, evidence: #""signup v2""#), Self.line(3)].joined(separator: "\n")
            let response = try await app.send(.post, "/v1/consents/batch", as: .compliance, body: body, contentType: "application/x-ndjson")
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == "invalid_type")
            #expect(error.field == "line 2")
            #expect(error.message?.hasPrefix("evidence:") == true)
            let verify = try await app.send(.get, "/v1/audit/verify", as: .compliance).json()
            #expect(verify["events"] as? Int == 0)
        }
    }

    @Test("a good import is 201, keeps the originals in file order, and the chain verifies")
    func goodImportVerifies() async throws {
        try await HeraldHarness.run { app in
            let checked1 = try await app.send(.post, "/v1/consents", as: .enqueue, body: Self.line(1))
            #expect(checked1.status == .created)
            let body = (1...10_000).map { Self.line($0) }.joined(separator: "\n") + "\n"
            let response = try await app.send(.post, "/v1/consents/batch", as: .compliance, body: body, contentType: "application/x-ndjson")
            #expect(response.status == .created)
            let result = try response.json()
            #expect(result["imported"] as? Int == 10_000)
            #expect(result["first_id"] as? Int == 2)
            #expect(result["last_id"] as? Int == 10_001)

            let verify = try await app.send(.get, "/v1/audit/verify", as: .compliance).json()
            #expect(verify["ok"] as? Bool == true)
            #expect(verify["events"] as? Int == 10_001)
            #expect(verify["head_hash"] as? String == result["head_hash"] as? String)

            let history = try await app.send(.get, "/v1/contacts/m7/consents", as: .compliance).json()
            let events = history["events"] as? [[String: Any]] ?? []
            // m7 is lines 7, 507, 1007, … in that order, after nothing live.
            #expect(events.count == 20)
            #expect((events.first?["occurred_at"] as? String)?.hasPrefix("2025-08-01T10:00:00") == true)
            #expect((events.first?["evidence"] as? [String: Any])?["form"] as? String == "signup v2")
            #expect(events.first?["actor"] as? String == "compliance")
        }
    }

    @Test("only compliance (or admin) may import")
    func roles() async throws {
        try await HeraldHarness.run { app in
            for role in [Role.enqueue, .ops] {
                let refused = try await app.send(.post, "/v1/consents/batch", as: role, body: Self.line(1))
                #expect(refused.status == .forbidden)
            }
            let admin = try await app.send(.post, "/v1/consents/batch", as: .admin, body: Self.line(1))
            #expect(admin.status == .created)
        }
    }
}

import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Delivery log queries")
struct DeliveryQueryTests {
    @Test(
        "bad query parameters are 400 naming the parameter",
        arguments: [
            ("status=lost", "status"), ("channel=fax", "channel"), ("limit=0", "limit"), ("limit=1001", "limit"),
            ("limit=ten", "limit"), ("job_id=x", "job_id"), ("since=yesterday", "since"), ("cursor=abc", "cursor"),
        ])
    func badParameters(query: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.get, "/v1/deliveries?\(query)", as: .ops)
            #expect(response.status == .badRequest)
            #expect(try response.error().field == field)
        }
    }

    @Test("filters by job, state and channel; pages with next_cursor; returns the decision trace")
    func filtersAndPages() async throws {
        try await HeraldHarness.run { app in
            let id = try await app.createJob(jobJSON(channels: #"["sms", "email"]"#,
                content: #"{"sms": {"text": "hi"}, "email": {"subject": "s", "text": "t"}}"#))
            try await app.writeDeliveries(jobId: id, [
                ("u1", .sms, .queued, nil), ("u2", .sms, .suppressed, .noConsent), ("u3", .email, .queued, nil),
                ("u4", .sms, .queued, nil),
            ])
            let queuedSMS = try await app.send(.get, "/v1/deliveries?job_id=\(id)&status=queued&channel=sms", as: .compliance).json()
            let rows = queuedSMS["deliveries"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["contact_id"] as? String } == ["u1", "u4"])
            #expect((rows.first?["trace"] as? [[String: Any]])?.first?["rule"] as? String == "test")
            #expect(rows.first?["job_id"] as? Int == Int(id))

            let suppressed = try await app.send(.get, "/v1/deliveries?status=suppressed", as: .ops).json()
            let suppressedRows = suppressed["deliveries"] as? [[String: Any]] ?? []
            #expect(suppressedRows.map { $0["reason"] as? String } == ["no_consent"])

            let page1 = try await app.send(.get, "/v1/deliveries?job_id=\(id)&limit=3", as: .ops).json()
            #expect((page1["deliveries"] as? [Any])?.count == 3)
            let cursor = try #require(page1["next_cursor"] as? String)
            let page2 = try await app.send(.get, "/v1/deliveries?job_id=\(id)&limit=3&cursor=\(cursor)", as: .ops).json()
            #expect((page2["deliveries"] as? [[String: Any]])?.map { $0["contact_id"] as? String } == ["u4"])
            #expect(page2["next_cursor"] == nil)
        }
    }
}

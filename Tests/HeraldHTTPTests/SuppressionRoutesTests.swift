import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Suppression routes")
struct SuppressionRoutesTests {
    @Test("ops and compliance manage the list; enqueue keys may not")
    func roles() async throws {
        try await HeraldHarness.run { app in
            let body = #"{"address": "ann@example.com", "reason": "manual"}"#
            let checked1 = try await app.send(.post, "/v1/suppressions", as: .enqueue, body: body)
            #expect(checked1.status == .forbidden)
            let checked2 = try await app.send(.get, "/v1/suppressions", as: .enqueue)
            #expect(checked2.status == .forbidden)
            let checked3 = try await app.send(.delete, "/v1/suppressions/ann%40example.com", as: .enqueue)
            #expect(checked3.status == .forbidden)
            let checked4 = try await app.send(.post, "/v1/suppressions", as: .ops, body: body)
            #expect(checked4.status == .created)
            let checked5 = try await app.send(.post, "/v1/suppressions", as: .compliance, body: body)
            #expect(checked5.status == .ok)
            let checked6 = try await app.send(.get, "/v1/suppressions", as: .compliance)
            #expect(checked6.status == .ok)
        }
    }

    @Test("POST normalises the address, answers 201 then 200, and records who and why")
    func addAndHistory() async throws {
        try await HeraldHarness.run { app in
            let first = try await app.send(
                .post, "/v1/suppressions", as: .ops,
                body: #"{"address": "  +989121234567 ", "reason": "complaint", "note": "called support"}"#)
            #expect(first.status == .created)
            let json = try first.json()
            #expect(json["address"] as? String == "+989121234567")
            #expect(json["reason"] as? String == "complaint")
            #expect(json["note"] as? String == "called support")
            #expect(json["created_at"] as? String != nil)

            let list = try #require(app.store as? any SuppressionStore)
            let history = try await list.suppressionChanges(address: "+989121234567")
            #expect(history.count == 1)
            let actor = try #require(history.first?.actor)
            #expect(actor.hasPrefix("api:") && actor.hasSuffix("/ops"))
            #expect(!actor.contains(HeraldHarness.key(.ops)))
        }
    }

    @Test("a bad address is a 400 that does not echo it")
    func badAddress() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(
                .post, "/v1/suppressions", as: .ops, body: #"{"address": "0912-secret-555", "reason": "manual"}"#)
            #expect(response.status == .badRequest)
            let addressError = try response.error()
            #expect(addressError.field == "address")
            #expect(!response.text.contains("0912-secret-555"))
            let reason = try await app.send(
                .post, "/v1/suppressions", as: .ops, body: #"{"address": "a@b.io", "reason": "Not A Reason"}"#)
            let reasonError = try reason.error()
            #expect(reasonError.field == "reason")
        }
    }

    @Test("GET filters by address and reason and pages with an opaque cursor")
    func listAndPage() async throws {
        try await HeraldHarness.run { app in
            for (address, reason) in [("a@x.io", "manual"), ("b@x.io", "hard_bounce"), ("c@x.io", "manual"), ("d@x.io", "manual")] {
                let response: TestResponse = try await app.send(
                    .post, "/v1/suppressions", as: .ops, body: #"{"address": "\#(address)", "reason": "\#(reason)"}"#)
                #expect(response.status == .created)
            }
            var seen: [String] = []
            var uri = "/v1/suppressions?reason=manual&limit=2"
            while true {
                let page = try await app.send(.get, uri, as: .ops).json()
                seen += (page["suppressions"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String }
                guard let cursor = page["next_cursor"] as? String else { break }
                #expect(!cursor.contains("@"))
                uri = "/v1/suppressions?reason=manual&limit=2&cursor=\(cursor)"
            }
            #expect(seen == ["a@x.io", "c@x.io", "d@x.io"])
            let one = try await app.send(.get, "/v1/suppressions?address=b%40x.io", as: .ops).json()
            #expect((one["suppressions"] as? [[String: Any]])?.first?["reason"] as? String == "hard_bounce")
            let checked7 = try await app.send(.get, "/v1/suppressions?cursor=not*a*cursor", as: .ops)
            #expect(checked7.status == .badRequest)
        }
    }

    @Test("DELETE takes a percent-encoded address, answers 204, then 404")
    func remove() async throws {
        try await HeraldHarness.run { app in
            _ = try await app.send(.post, "/v1/suppressions", as: .ops, body: #"{"address": "+989121234567", "reason": "manual"}"#)
            let removed = try await app.send(.delete, "/v1/suppressions/%2B989121234567?note=customer%20asked", as: .compliance)
            #expect(removed.status == .noContent)
            let checked8 = try await app.send(.delete, "/v1/suppressions/%2B989121234567", as: .ops)
            #expect(checked8.status == .notFound)

            let list = try #require(app.store as? any SuppressionStore)
            let history = try await list.suppressionChanges(address: "+989121234567")
            #expect(history.map(\.action) == [.added, .removed])
            #expect(history.last?.note == "customer asked")
            #expect(history.last?.actor.hasSuffix("/compliance") == true)
        }
    }
}

import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

/// Requests where the OpenAPI document and the server disagreed, found by scripts/fuzz-api.sh.
@Suite("API contract: what the document allows, the server takes; what it forbids, the server refuses")
struct APIContractTests {
    @Test("an empty cursor is the first page", arguments: ["/v1/deliveries?cursor=", "/v1/suppressions?cursor="])
    func emptyCursor(path: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.get, path, as: .ops)
            #expect(response.status == .ok)
        }
    }

    @Test("a cursor no page returned is a 400", arguments: ["-1", "1e3", "%2B5", "9223372036854775808"])
    func foreignCursor(cursor: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.get, "/v1/deliveries?cursor=\(cursor)", as: .ops)
            #expect(response.status == .badRequest)
            #expect(try response.error().field == "cursor")
        }
    }

    @Test(
        "the dashboard's delivery page refuses an id that is not one delivery id",
        arguments: ["id=junk", "id=&id=junk", "id=1&id=2", "id=9223372036854775808", "id=-5"])
    func dashboardDeliveryId(query: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.get, "/ui/delivery?\(query)", as: .ops)
            #expect(response.status == .badRequest)
            #expect(try response.error().field == "id")
        }
    }

    @Test("the dashboard's delivery page with an empty id shows the lookup form")
    func dashboardEmptyId() async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.get, "/ui/delivery?id=", as: .ops)
            #expect(response.status == .ok)
        }
    }

    @Test("a suppression note with a control character is refused, on adding and on lifting")
    func noteControlCharacters() async throws {
        try await HeraldHarness.run { app in
            let added = try await app.send(
                .post, "/v1/suppressions", as: .ops,
                body: #"{"address": "ann@example.com", "reason": "manual", "note": "a\u0084b"}"#)
            #expect(added.status == .badRequest)
            #expect(try added.error().code == Identifier.controlCharactersCode)
            #expect(try added.error().field == "note")

            let kept = try await app.send(
                .post, "/v1/suppressions", as: .ops, body: #"{"address": "ann@example.com", "reason": "manual"}"#)
            #expect(kept.status == .created)
            let lifted = try await app.send(.delete, "/v1/suppressions/ann%40example.com?note=a%00b", as: .ops)
            #expect(lifted.status == .badRequest)
            #expect(try lifted.error().field == "note")
        }
    }
}

import Foundation
import HTTPTypes
import HeraldCore
import HeraldEngine
import HeraldHTTP
import HeraldStoreSQLite
import Hummingbird
import HummingbirdTesting
import Testing

/// A key with an expiry stops working at it with a 401 that says so, and each key's last use is written at
/// most once a minute, however many requests it makes.
@Suite("Key expiry and last use")
struct KeyExpiryTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    private func withApp(
        _ test: @Sendable (any TestClientProtocol, SQLiteStore, MovableClock) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-expiry-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
        try await store.migrate()
        try await store.insertAPIKey(
            hash: APIKey.hash("hk_day"), role: .ops, label: "one day", at: Self.start, expiresAt: Self.start + 86_400)
        try await store.insertAPIKey(hash: APIKey.hash("hk_ops"), role: .ops, label: "no expiry", at: Self.start)
        let clock = MovableClock(Self.start)
        let deps = APIDependencies(
            store: store, fanoutSignal: WorkSignal(), unsubscribeSecret: Array("s".utf8), now: { clock.now })
        try await Application(router: HeraldAPI(deps: deps).router()).test(.router) { client in
            try await test(client, store, clock)
        }
        try await store.close()
    }

    private func get(_ client: any TestClientProtocol, _ uri: String, bearer: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(bearer)"], body: nil)
    }

    @Test("an expired key is refused with 401 key_expired, an unknown one with unauthenticated")
    func expiredKeyIsRefused() async throws {
        try await withApp { client, _, clock in
            #expect(try await get(client, "/v1/deliveries", bearer: "hk_day").status == .ok)
            clock.advance(86_400 - 1)
            #expect(try await get(client, "/v1/deliveries", bearer: "hk_day").status == .ok)
            clock.advance(1)
            let refused = try await get(client, "/v1/deliveries", bearer: "hk_day")
            #expect(refused.status == .unauthorized)
            #expect(refused.text.contains("\"code\":\"key_expired\""))
            let unknown = try await get(client, "/v1/deliveries", bearer: "hk_nobody")
            #expect(unknown.text.contains("\"code\":\"unauthenticated\""))
            #expect(try await get(client, "/v1/deliveries", bearer: "hk_ops").status == .ok)
            // Nor can it open a dashboard session.
            let signIn = try await client.execute(
                uri: "/ui/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: .init(string: "key=hk_day"))
            #expect(signIn.status == .unauthorized)
        }
    }

    @Test("last use is written at most once a minute per key")
    func lastUseIsThrottled() async throws {
        try await withApp { client, store, clock in
            func lastUsed() async throws -> Date? {
                try await store.apiKeys().first { $0.label == "no expiry" }?.lastUsedAt
            }
            #expect(try await lastUsed() == nil)
            #expect(try await get(client, "/v1/deliveries", bearer: "hk_ops").status == .ok)
            #expect(try await lastUsed() == Self.start)
            for _ in 0..<5 {
                clock.advance(10)
                _ = try await get(client, "/v1/deliveries", bearer: "hk_ops")
            }
            #expect(try await lastUsed() == Self.start)  // 50 s later: not written again
            clock.advance(10)
            _ = try await get(client, "/v1/deliveries", bearer: "hk_ops")
            #expect(try await lastUsed() == Self.start + 60)
            #expect(try await store.apiKeys().first { $0.label == "one day" }?.lastUsedAt == nil)
        }
    }
}

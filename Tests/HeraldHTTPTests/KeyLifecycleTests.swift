import Foundation
import HTTPTypes
import HeraldCore
import HeraldEngine
import HeraldHTTP
import HeraldStoreSQLite
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A revoked key stops working within 5 s on a running daemon, and the dashboard cookie is a signed,
/// expiring session that never holds the key.
@Suite("Key lifecycle")
struct KeyLifecycleTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// The API on a fresh store with an ops key, and a clock the test moves.
    private func withApp(
        _ test: @Sendable (any TestClientProtocol, SQLiteStore, MovableClock) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
        try await store.migrate()
        try await store.insertAPIKey(hash: APIKey.hash("hk_ops"), role: .ops, label: "ops", at: Self.start)
        let clock = MovableClock(Self.start)
        let deps = APIDependencies(
            store: store, fanoutSignal: WorkSignal(), unsubscribeSecret: Array("s".utf8), now: { clock.now })
        try await Application(router: HeraldAPI(deps: deps).router()).test(.router) { client in
            try await test(client, store, clock)
        }
        try await store.close()
    }

    private func get(_ client: any TestClientProtocol, _ uri: String, bearer: String? = nil, cookie: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if let cookie { headers[.cookie] = "herald_ui=\(cookie)" }
        return try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
    }

    @Test("a key revoked while the daemon runs is refused within 5 s, by bearer and by dashboard session")
    func revokedKeyStops() async throws {
        try await withApp { client, store, clock in
            #expect(try await get(client, "/v1/deliveries", bearer: "hk_ops").status == .ok)
            let signIn = try await client.execute(
                uri: "/ui/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: .init(string: "key=hk_ops"))
            let session = try #require(Self.cookie(signIn))
            #expect(try await get(client, "/ui", cookie: session).status == .ok)

            #expect(try await store.revokeAPIKey(id: APIKey.id(forHash: APIKey.hash("hk_ops"))))
            clock.advance(5)
            #expect(try await get(client, "/v1/deliveries", bearer: "hk_ops").status == .unauthorized)
            #expect(try await get(client, "/ui", cookie: session).status == .unauthorized)
        }
    }

    @Test("the dashboard cookie holds a signed, expiring session, not the key")
    func sessionCookie() async throws {
        try await withApp { client, _, clock in
            let signIn = try await client.execute(
                uri: "/ui/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: .init(string: "key=hk_ops"))
            #expect(signIn.status == .seeOther)
            let session = try #require(Self.cookie(signIn))
            #expect(!session.contains("hk_ops"))
            #expect(try await get(client, "/ui", cookie: session).status == .ok)
            // The raw key as a cookie (what earlier versions set) is not a session.
            #expect(try await get(client, "/ui", cookie: "hk_ops").status == .unauthorized)
            // Tampered: another expiry under the same signature.
            var parts = session.split(separator: ".").map(String.init)
            parts[1] = String(Int64(parts[1])! + 1)
            #expect(try await get(client, "/ui", cookie: parts.joined(separator: ".")).status == .unauthorized)
            // Expired after 12 h.
            clock.advance(12 * 3600 + 1)
            #expect(try await get(client, "/ui", cookie: session).status == .unauthorized)
        }
    }

    static func cookie(_ response: TestResponse) -> String? {
        guard let header = response.headers[.setCookie], let range = header.range(of: "herald_ui=") else { return nil }
        return String(header[range.upperBound...].prefix { $0 != ";" })
    }
}

final class MovableClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

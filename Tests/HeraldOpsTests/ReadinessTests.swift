import Foundation
import HeraldCore
import HeraldDaemon
import HeraldStorePostgres
import HeraldStoreSQLite
import Testing

@Suite("Readiness follows the store")
struct ReadinessTests {
    @Test("ready with a reachable SQLite store, not ready with a reason once it is closed")
    func sqliteReadiness() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-ready-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("h.sqlite").path)
        try await store.migrate()
        // Production's 2 s deadline is for an outage; on a loaded 2-core machine running the whole suite a
        // healthy store's first answer can take longer, so this test gives it room.
        let readiness = StoreReadiness.check(store, timeout: .seconds(30))
        let up = await readiness()
        #expect(up.ready)
        #expect(up.detail["store"] == "ok")
        try await store.close()
        let down = await readiness()
        #expect(!down.ready)
        #expect(down.detail["store"] == "unavailable")
        #expect(down.detail["reason"] != nil)
    }

    @Test("not ready, with the host in the reason, when PostgreSQL does not answer")
    func postgresUnreachable() async throws {
        // Port 1 on loopback: nothing listens, so every connection attempt is refused.
        let store = try PostgresStore(url: "postgres://herald@127.0.0.1:1/herald?sslmode=disable")
        let state = await StoreReadiness.check(store, timeout: .seconds(2))()
        try await store.close()
        #expect(!state.ready)
        #expect(state.detail["store"] == "unavailable")
        #expect(state.detail["reason"]?.contains("127.0.0.1:1") == true || state.detail["reason"]?.contains("did not answer") == true)
    }
}

import Foundation
import HeraldCore
import HeraldStoreSQLite
import Testing

/// One store backend under test. Every conformance test runs once per entry of `TestBackends.all`.
struct TestBackend: Sendable, CustomTestStringConvertible {
    let name: String
    /// Fresh, empty, migrated storage for one test.
    let makeFixture: @Sendable () async throws -> any StoreFixture

    var testDescription: String { name }
}

/// The storage behind one test: reopenable (restart) and writable behind the store's back (tampering).
protocol StoreFixture: Sendable {
    /// A store connected to this fixture's storage, already migrated.
    func open() async throws -> any Store
    /// Runs raw SQL directly against the storage, bypassing the store (the caller closes stores first).
    func executeRaw(_ sql: String) throws
    func destroy()
}

enum TestBackends {
    /// SQLite always; PostgreSQL unless `HERALD_SKIP_POSTGRES=1`. Without `HERALD_TEST_POSTGRES_URL` the
    /// PostgreSQL cases fail with a message saying how to start a server, rather than passing silently.
    static let all: [TestBackend] =
        [TestBackend(name: "sqlite") { try SQLiteFixture() }]
        + (PostgresFixture.skipped ? [] : [TestBackend(name: "postgres") { try await PostgresFixture.create() }])
}

/// SQLite on a real temporary file, so reopening really reads the file back.
struct SQLiteFixture: StoreFixture {
    let directory: URL
    var path: String { directory.appendingPathComponent("herald.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func open() async throws -> any Store {
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        return store
    }

    /// Through the sqlite3 command-line tool: an outside writer, exactly like someone editing the file.
    func executeRaw(_ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HeraldError(code: "test_sql_failed", message: "sqlite3 exited with \(process.terminationStatus)")
        }
    }

    func destroy() { try? FileManager.default.removeItem(at: directory) }
}

/// Opens a fresh store, runs `body`, and always closes and deletes it.
func withStore(
    _ backend: TestBackend, _ body: (any Store, any StoreFixture) async throws -> Void
) async throws {
    let fixture = try await backend.makeFixture()
    defer { fixture.destroy() }
    let store = try await fixture.open()
    do {
        try await body(store, fixture)
    } catch {
        try? await store.close()
        throw error
    }
    try? await store.close()
}

import Foundation
import HeraldCore
import HeraldStorePostgres
import Logging
import PostgresNIO
import Testing

/// Seconds a call may wait for a pooled connection in tests: production's 4 s made suites flaky on a loaded
/// 2-core machine (a slow connection start is not the outage that deadline is for).
let testConnectionWait = 30

/// A fresh, empty schema on the test server for one test, and stores (nodes) opened on it.
///
/// The server comes from `HERALD_TEST_POSTGRES_URL` (scripts/test.sh starts one with scripts/postgres.sh).
/// Without it the suite fails with a message that says how to get one; `HERALD_SKIP_POSTGRES=1` disables
/// the suite instead (CI never sets it).
struct PostgresTestDatabase {
    static let skipped = ProcessInfo.processInfo.environment["HERALD_SKIP_POSTGRES"] == "1"

    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "HERALD_TEST_POSTGRES_URL is not set: run `bash scripts/postgres.sh start` and export the URL it prints "
                + "(scripts/test.sh does both), or set HERALD_SKIP_POSTGRES=1 to skip the PostgreSQL suite"
        }
    }

    let baseURL: String
    let schema: String
    /// The storage string a `PostgresStore` (or `StoreFactory`) opens to use this schema.
    var url: String { baseURL + (baseURL.contains("?") ? "&" : "?") + "schema=\(schema)&connection_wait=\(testConnectionWait)" }

    static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw MissingServer()
        }
        return url
    }

    /// Creates `herald_t_<random>`; `drop()` removes it.
    static func create() async throws -> PostgresTestDatabase {
        let base = try serverURL()
        let schema = "herald_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await execute(base: base, PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"))
        return PostgresTestDatabase(baseURL: base, schema: String(schema))
    }

    func drop() async throws {
        try await Self.execute(base: baseURL, PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
    }

    /// A migrated store on this schema: call it twice for two nodes.
    func makeStore() async throws -> PostgresStore {
        let store = try PostgresStore(url: url, logger: Logger(label: "test.postgres"))
        try await store.migrate()
        return store
    }

    static func execute(base: String, _ query: PostgresQuery) async throws {
        let configuration = try PostgresURL(base).connectionConfiguration()
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "test.postgres.admin"))
        do {
            _ = try await connection.query(query, logger: Logger(label: "test.postgres.admin")).collect()
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Runs `body` with `nodes` stores on one fresh schema, then closes them and drops the schema.
func withPostgresStores(
    nodes: Int = 1, _ body: ([PostgresStore]) async throws -> Void
) async throws {
    let database = try await PostgresTestDatabase.create()
    var stores: [PostgresStore] = []
    do {
        for _ in 0..<nodes { stores.append(try await database.makeStore()) }
        try await body(stores)
    } catch {
        for store in stores { try? await store.close() }
        try? await database.drop()
        throw error
    }
    for store in stores { try await store.close() }
    try await database.drop()
}

func withPostgresStore(_ body: (PostgresStore) async throws -> Void) async throws {
    try await withPostgresStores(nodes: 1) { stores in try await body(stores[0]) }
}

import Foundation
import HeraldCore
import HeraldStorePostgres
import HeraldTestSupport
import Logging
import PostgresNIO

/// Seconds a call may wait for a pooled connection in tests: production's 4 s made the suite flaky on a
/// loaded 2-core machine (a slow connection start is not the outage that deadline is for).
let testConnectionWait = 30

/// A fresh schema on the test server (`HERALD_TEST_POSTGRES_URL`) per test; dropped by `destroy()`.
/// Reopening opens a new `PostgresStore` (a new pool) on the same schema, so a "restart" really reads back.
struct PostgresFixture: StoreFixture {
    static let skipped = ProcessInfo.processInfo.environment["HERALD_SKIP_POSTGRES"] == "1"

    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "HERALD_TEST_POSTGRES_URL is not set: run `bash scripts/postgres.sh start` and export the URL it prints "
                + "(scripts/test.sh does both), or set HERALD_SKIP_POSTGRES=1 to run the SQLite cases only"
        }
    }

    let baseURL: String
    let schema: String
    var url: String { baseURL + (baseURL.contains("?") ? "&" : "?") + "schema=\(schema)&connection_wait=\(testConnectionWait)" }

    static func create() async throws -> PostgresFixture {
        guard let base = ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_URL"], !base.isEmpty else {
            throw MissingServer()
        }
        let schema = "herald_c_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let logger = Logger(label: "test.postgres.admin")
        let connection = try await PostgresConnection.connect(
            configuration: try PostgresURL(base).connectionConfiguration(), id: 1, logger: logger)
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), logger: logger).collect()
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        return PostgresFixture(baseURL: base, schema: String(schema))
    }

    func open() async throws -> any Store {
        let store = try PostgresStore(url: url, logger: Logger(label: "test.postgres"))
        try await store.migrate()
        return store
    }

    /// Through psql: an outside writer, like an operator editing rows by hand.
    func executeRaw(_ sql: String) throws {
        try psql("SET search_path TO \(schema); \(sql)")
    }

    func destroy() { try? psql("DROP SCHEMA \(schema) CASCADE") }

    private func psql(_ sql: String) throws { try Psql.run(baseURL, sql) }
}

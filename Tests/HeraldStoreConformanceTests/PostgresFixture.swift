import Foundation
import HeraldCore
import HeraldStorePostgres
import Logging
import PostgresNIO

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
    var url: String { baseURL + (baseURL.contains("?") ? "&" : "?") + "schema=\(schema)" }

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

    private func psql(_ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.psqlPath())
        // libpq reads the same postgres:// URL (sslmode included); it ignores nothing we rely on.
        process.arguments = [baseURL, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        // DROP … CASCADE lists every table it drops as a NOTICE; only warnings and errors are worth reading.
        var environment = ProcessInfo.processInfo.environment
        environment["PGOPTIONS"] = "-c client_min_messages=warning"
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HeraldError(code: "test_sql_failed", message: "psql exited with \(process.terminationStatus)")
        }
    }

    private static func psqlPath() throws -> String {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let candidates =
            versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { "/usr/lib/postgresql/\($0)/bin/psql" } + ["/usr/bin/psql"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HeraldError(code: "test_sql_failed", message: "psql not found; run scripts/setup.sh")
        }
        return path
    }
}

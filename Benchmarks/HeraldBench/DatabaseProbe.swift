import Foundation
import HeraldStorePostgres
import Logging
import PostgresNIO

/// A side connection to the benchmark's PostgreSQL: creates the per-run schema, finds the server's process,
/// and samples what the nodes' sessions are doing (`pg_stat_activity`) while a phase runs.
final class DatabaseProbe: Sendable {
    let connection: PostgresConnection
    let postmaster: Int32?

    init(url: String) async throws {
        let configuration = try PostgresURL(url).connectionConfiguration()
        connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "bench.probe"))
        // Our backend's parent is the postmaster; only meaningful when the server runs on this machine.
        let backend = try await connection.query("SELECT pg_backend_pid() AS pid", logger: Self.logger).collect()
        let pid = try backend.first.map { try $0.decode(Int32.self) }
        postmaster = pid.flatMap(ProcessCPU.parent(of:))
    }

    static let logger = Logger(label: "bench.probe")

    func execute(_ sql: String) async throws {
        _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger).collect()
    }

    func count(_ sql: String) async throws -> Int {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger).collect()
        return try rows.first.map { Int(try $0.decode(Int64.self)) } ?? 0
    }

    /// PostgreSQL server CPU seconds by process, for a before/after difference.
    func serverCPU() -> [Int32: Double] {
        postmaster.map(ProcessCPU.tree(root:)) ?? [:]
    }

    /// Every 50 ms until cancelled, then the counts: one tally entry per client session of this database, by what it is doing
    /// (`cpu` = active and not waiting, `Lock:transactionid`, `LWLock:WALWrite`, `idle in transaction` = the
    /// node is working inside an open transaction, `idle` = the node is between statements or transactions).
    func sampleWaits() async -> [String: Int] {
        var tally: [String: Int] = [:]
        let sql: PostgresQuery = """
            SELECT state, wait_event_type, wait_event FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            """
        while !Task.isCancelled {
            if let rows = try? await connection.query(sql, logger: Self.logger).collect() {
                for row in rows {
                    guard let (state, type, event) = try? row.decode((String?, String?, String?).self) else { continue }
                    let key =
                        switch (state ?? "?", type) {
                        case ("active", nil): "cpu"
                        case ("active", let type?): "\(type):\(event ?? "?")"
                        case (let state, _): state
                        }
                    tally[key, default: 0] += 1
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return tally
    }

    func close() async {
        try? await connection.close()
    }
}

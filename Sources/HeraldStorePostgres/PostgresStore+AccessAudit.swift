import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: AccessAuditing {
    public func recordAccess(_ record: AccessRecord) async throws {
        let at = record.at.ms
        _ = try await rows(
            """
            INSERT INTO access_audit (at, key_hash_prefix, role, action, query)
            VALUES (\(at), \(record.keyHashPrefix), \(record.role), \(record.action), \(record.query))
            """)
    }

    /// Oldest first by id; ids come from one identity sequence, so every node sees the same order.
    public func accessRecords(afterId: Int64, limit: Int) async throws -> [AccessRecord] {
        try await rows("SELECT * FROM access_audit WHERE id > \(afterId) ORDER BY id LIMIT \(limit)").map { row in
            let columns = row.makeRandomAccess()
            return AccessRecord(
                id: try columns.get("id"), at: Date(milliseconds: try columns.get("at")),
                keyHashPrefix: try columns.get("key_hash_prefix"), role: try columns.get("role"),
                action: try columns.get("action"), query: try columns.get("query"))
        }
    }
}

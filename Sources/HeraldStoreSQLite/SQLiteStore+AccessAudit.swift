import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: AccessAuditing {
    public func recordAccess(_ record: AccessRecord) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO access_audit (at, key_hash_prefix, role, action, query) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.at.ms, record.keyHashPrefix, record.role, record.action, record.query])
        }
    }

    public func accessRecords(afterId: Int64, limit: Int) async throws -> [AccessRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM access_audit WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterId, limit]
            ).map { row in
                AccessRecord(
                    id: row["id"], at: Date(milliseconds: row["at"]), keyHashPrefix: row["key_hash_prefix"],
                    role: row["role"], action: row["action"], query: row["query"])
            }
        }
    }
}

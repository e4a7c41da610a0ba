import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: SuppressionStore {
    public func suppressions(_ query: SuppressionQuery) async throws -> [Suppression] {
        var sql = "SELECT * FROM suppressions WHERE 1 = 1"
        var arguments = StatementArguments()
        if let address = query.address { sql += " AND address = ?"; arguments += [address] }
        if let reason = query.reason { sql += " AND reason = ?"; arguments += [reason] }
        if let after = query.afterAddress { sql += " AND address > ?"; arguments += [after] }
        sql += " ORDER BY address LIMIT ?"
        arguments += [query.limit]
        let finalSQL = sql
        let finalArguments = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: finalSQL, arguments: finalArguments).map(Self.suppression(from:))
        }
    }

    public func suppressions(addresses: [String]) async throws -> [Suppression] {
        guard !addresses.isEmpty else { return [] }
        return try await pool.read { db in
            var found: [Suppression] = []
            for chunk in addresses.chunked(900) {
                found += try Row.fetchAll(
                    db, sql: "SELECT * FROM suppressions WHERE address IN (\(placeholders(chunk.count)))",
                    arguments: StatementArguments(chunk)
                ).map(Self.suppression(from:))
            }
            return found.sorted { $0.address < $1.address }
        }
    }

    public func addSuppressions(_ entries: [SuppressionEntry], actor: String, at: Date) async throws -> [Bool] {
        guard !entries.isEmpty else { return [] }
        let added = try await write { db in
            var added: [Bool] = []
            added.reserveCapacity(entries.count)
            for entry in entries {
                let existed =
                    try Bool.fetchOne(
                        db, sql: "SELECT 1 FROM suppressions WHERE address = ?", arguments: [entry.address]) ?? false
                try db.run(
                    sql: """
                        INSERT INTO suppressions (address, reason, note, created_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT(address) DO UPDATE SET reason = excluded.reason, note = excluded.note
                        """,
                    arguments: [entry.address, entry.reason, entry.note, at.ms])
                try Self.recordChange(
                    db, address: entry.address, action: existed ? .updated : .added, reason: entry.reason,
                    note: entry.note, actor: actor, at: at)
                added.append(!existed)
            }
            return added
        }
        await sendFence.drain()
        return added
    }

    public func removeSuppression(address: String, note: String?, actor: String, at: Date) async throws -> Bool {
        try await write { db in
            guard
                let reason = try String.fetchOne(
                    db, sql: "SELECT reason FROM suppressions WHERE address = ?", arguments: [address])
            else { return false }
            try db.execute(sql: "DELETE FROM suppressions WHERE address = ?", arguments: [address])
            try Self.recordChange(db, address: address, action: .removed, reason: reason, note: note, actor: actor, at: at)
            return true
        }
    }

    public func suppressionChanges(address: String) async throws -> [SuppressionChange] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM suppression_changes WHERE address = ? ORDER BY id", arguments: [address]
            ).map { row in
                SuppressionChange(
                    id: row["id"], address: row["address"],
                    action: SuppressionChange.Action(rawValue: row["action"]) ?? .updated, reason: row["reason"],
                    note: row["note"], actor: row["actor"], at: Date(milliseconds: row["at"]))
            }
        }
    }

    private static func recordChange(
        _ db: Database, address: String, action: SuppressionChange.Action, reason: String?, note: String?,
        actor: String, at: Date
    ) throws {
        try db.run(
            sql: """
                INSERT INTO suppression_changes (address, action, reason, note, actor, at) VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [address, action.rawValue, reason, note, actor, at.ms])
    }

    static func suppression(from row: Row) -> Suppression {
        Suppression(
            address: row["address"], reason: row["reason"], note: row["note"],
            createdAt: Date(milliseconds: row["created_at"]))
    }
}

import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: SuppressionStore {
    public func suppressions(_ query: SuppressionQuery) async throws -> [Suppression] {
        // NULL filters mean "any": one statement for every combination.
        try await rows(
            """
            SELECT * FROM suppressions
            WHERE (\(query.address)::text IS NULL OR address = \(query.address)::text)
            AND (\(query.reason)::text IS NULL OR reason = \(query.reason)::text)
            AND (\(query.afterAddress)::text IS NULL OR address > \(query.afterAddress)::text)
            ORDER BY address LIMIT \(query.limit)
            """
        ).map(Self.suppression(from:))
    }

    public func suppressions(addresses: [String]) async throws -> [Suppression] {
        guard !addresses.isEmpty else { return [] }
        return try await rows(
            "SELECT * FROM suppressions WHERE address = ANY(\(addresses)::text[]) ORDER BY address"
        ).map(Self.suppression(from:))
    }

    /// Three statements whatever the number of entries: which addresses are listed already, one upsert of
    /// the entries (the last of each address wins), one insert of the history lines.
    public func addSuppressions(_ entries: [SuppressionEntry], actor: String, at: Date) async throws -> [Bool] {
        guard !entries.isEmpty else { return [] }
        var last: [String: SuppressionEntry] = [:]
        for entry in entries { last[entry.address] = entry }
        let unique = Array(last.values)
        let addresses = unique.map(\.address)
        let reasons = unique.map(\.reason)
        let uniqueNotes = unique.map(\.note)
        let now = at.ms
        let added = try await transaction { connection in
            let notes = PostgresNullableArray(uniqueNotes)
            var existing = Set<String>()
            for row in try await connection.rows(
                "SELECT address FROM suppressions WHERE address = ANY(\(addresses)::text[]) FOR UPDATE",
                logger: self.logger)
            {
                existing.insert(try row.decode(String.self))
            }
            try await connection.rows(
                """
                INSERT INTO suppressions (address, reason, note, created_at)
                SELECT address, reason, note, \(now) FROM unnest(\(addresses)::text[], \(reasons)::text[],
                \(notes)::text[]) AS e(address, reason, note)
                ON CONFLICT (address) DO UPDATE SET reason = EXCLUDED.reason, note = EXCLUDED.note
                """, logger: self.logger)
            var added: [Bool] = []
            var actions: [String] = []
            for entry in entries {
                let new = existing.insert(entry.address).inserted
                added.append(new)
                actions.append(new ? SuppressionChange.Action.added.rawValue : SuppressionChange.Action.updated.rawValue)
            }
            let changedAddresses = entries.map(\.address)
            let changedReasons = entries.map(\.reason)
            let changedNotes = PostgresNullableArray(entries.map(\.note))
            try await connection.rows(
                """
                INSERT INTO suppression_changes (address, action, reason, note, actor, at)
                SELECT address, action, reason, note, \(actor), \(now) FROM unnest(\(changedAddresses)::text[],
                \(actions)::text[], \(changedReasons)::text[], \(changedNotes)::text[])
                WITH ORDINALITY AS c(address, action, reason, note, position) ORDER BY position
                """, logger: self.logger)
            return added
        }
        await drainSends()
        return added
    }

    public func removeSuppression(address: String, note: String?, actor: String, at: Date) async throws -> Bool {
        let now = at.ms
        return try await transaction { connection in
            guard
                let row = try await connection.rows(
                    "DELETE FROM suppressions WHERE address = \(address) RETURNING reason", logger: self.logger
                ).first
            else { return false }
            let reason = try row.decode(String.self)
            try await connection.rows(
                """
                INSERT INTO suppression_changes (address, action, reason, note, actor, at)
                VALUES (\(address), \(SuppressionChange.Action.removed.rawValue), \(reason), \(note), \(actor), \(now))
                """, logger: self.logger)
            return true
        }
    }

    public func suppressionChanges(address: String) async throws -> [SuppressionChange] {
        try await rows("SELECT * FROM suppression_changes WHERE address = \(address) ORDER BY id").map { row in
            let columns = row.makeRandomAccess()
            return SuppressionChange(
                id: try columns.get("id"), address: try columns.get("address"),
                action: SuppressionChange.Action(rawValue: try columns.get("action")) ?? .updated,
                reason: try columns.get("reason"), note: try columns.get("note"), actor: try columns.get("actor"),
                at: Date(milliseconds: try columns.get("at")))
        }
    }

    static func suppression(from row: PostgresRow) throws -> Suppression {
        let columns = row.makeRandomAccess()
        return Suppression(
            address: try columns.get("address"), reason: try columns.get("reason"), note: try columns.get("note"),
            createdAt: Date(milliseconds: try columns.get("created_at")))
    }
}

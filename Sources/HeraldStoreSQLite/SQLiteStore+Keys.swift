import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertAPIKey(hash: String, role: Role, label: String?, at: Date) async throws {
        try Identifier.checkKeyLabel(label)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO api_keys (hash, role, label, created_at) VALUES (?, ?, ?, ?)",
                arguments: [hash, role.rawValue, label, at.ms])
        }
    }

    public func role(forKeyHash hash: String) async throws -> Role? {
        let raw = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT role FROM api_keys WHERE hash = ?", arguments: [hash])
        }
        return raw.flatMap(Role.init(rawValue:))
    }

    public func apiKeyCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM api_keys") ?? 0 }
    }

    public func suppress(addresses: [String], reason: String, at: Date) async throws {
        guard !addresses.isEmpty else { return }
        try await pool.write { db in
            for address in addresses {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO suppressions (address, reason, created_at) VALUES (?, ?, ?)",
                    arguments: [address, reason, at.ms])
            }
        }
    }
}

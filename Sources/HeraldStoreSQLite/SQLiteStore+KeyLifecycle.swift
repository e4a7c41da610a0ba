import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: APIKeyLifecycleStore {
    public func insertAPIKey(hash: String, role: Role, label: String?, at: Date, expiresAt: Date?) async throws {
        try Identifier.checkKeyLabel(label)
        try await write { db in
            try db.execute(
                sql: "INSERT INTO api_keys (hash, role, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [hash, role.rawValue, label, at.ms, expiresAt?.ms])
        }
    }

    public func apiKeyGrant(forKeyHash hash: String) async throws -> APIKeyGrant? {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT role, expires_at FROM api_keys WHERE hash = ?", arguments: [hash])
            guard let row, let role = Role(rawValue: row["role"]) else { return nil }
            return APIKeyGrant(role: role, expiresAt: (row["expires_at"] as Int64?).map(Date.init(milliseconds:)))
        }
    }

    public func recordAPIKeyUse(hash: String, at: Date) async throws {
        try await write { db in
            // Never moves backwards: two nodes (or a slow request) may report uses out of order.
            try db.execute(
                sql: "UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE hash = ?",
                arguments: [at.ms, hash])
        }
    }
}

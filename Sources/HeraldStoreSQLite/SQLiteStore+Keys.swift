import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func insertAPIKey(hash: String, role: Role, label: String?, at: Date) async throws {
        try Identifier.checkKeyLabel(label)
        try await write { db in
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
        try await write { db in
            for address in addresses {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO suppressions (address, reason, created_at) VALUES (?, ?, ?)",
                    arguments: [address, reason, at.ms])
            }
        }
    }
}

extension SQLiteStore: APIKeyManaging {
    public func apiKeys() async throws -> [APIKeyInfo] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT hash, role, label, created_at, expires_at, last_used_at FROM api_keys ORDER BY created_at, hash")
                .compactMap { row in
                    guard let role = Role(rawValue: row["role"]) else { return nil }
                    return APIKeyInfo(
                        id: APIKey.id(forHash: row["hash"]), role: role, label: row["label"],
                        createdAt: Date(milliseconds: row["created_at"]),
                        expiresAt: (row["expires_at"] as Int64?).map(Date.init(milliseconds:)),
                        lastUsedAt: (row["last_used_at"] as Int64?).map(Date.init(milliseconds:)))
                }
        }
    }

    public func revokeAPIKey(id: String) async throws -> Bool {
        try APIKey.checkId(id)
        return try await write { db in
            let hashes = try String.fetchAll(
                db, sql: "SELECT hash FROM api_keys WHERE substr(hash, 1, ?) = ?", arguments: [APIKey.idLength, id])
            guard hashes.count <= 1 else { throw APIKey.ambiguous(id) }
            guard let hash = hashes.first else { return false }
            try db.execute(sql: "DELETE FROM api_keys WHERE hash = ?", arguments: [hash])
            return true
        }
    }
}

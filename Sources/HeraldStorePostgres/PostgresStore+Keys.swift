import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    public func insertAPIKey(hash: String, role: Role, label: String?, at: Date) async throws {
        try Identifier.checkKeyLabel(label)
        let roleName = role.rawValue
        let created = at.ms
        _ = try await rows(
            "INSERT INTO api_keys (hash, role, label, created_at) VALUES (\(hash), \(roleName), \(label), \(created))")
    }

    public func role(forKeyHash hash: String) async throws -> Role? {
        let found = try await rows("SELECT role FROM api_keys WHERE hash = \(hash)")
        return try found.first.flatMap { Role(rawValue: try $0.makeRandomAccess().get("role", as: String.self)) }
    }

    public func apiKeyCount() async throws -> Int {
        let found = try await rows("SELECT count(*) AS n FROM api_keys")
        return try found.first?.makeRandomAccess().get("n", as: Int.self) ?? 0
    }

    public func suppress(addresses: [String], reason: String, at: Date) async throws {
        guard !addresses.isEmpty else { return }
        let created = at.ms
        _ = try await rows(
            """
            INSERT INTO suppressions (address, reason, created_at)
            SELECT address, \(reason), \(created) FROM unnest(\(addresses)::text[]) AS address
            ON CONFLICT (address) DO NOTHING
            """)
    }
}

extension PostgresStore: APIKeyManaging {
    public func apiKeys() async throws -> [APIKeyInfo] {
        try await rows(
            "SELECT hash, role, label, created_at, expires_at, last_used_at FROM api_keys ORDER BY created_at, hash"
        ).compactMap { row in
            let columns = row.makeRandomAccess()
            guard let role = Role(rawValue: try columns.get("role", as: String.self)) else { return nil }
            return APIKeyInfo(
                id: APIKey.id(forHash: try columns.get("hash", as: String.self)), role: role,
                label: try columns.get("label", as: String?.self),
                createdAt: Date(milliseconds: try columns.get("created_at", as: Int64.self)),
                expiresAt: try columns.get("expires_at", as: Int64?.self).map(Date.init(milliseconds:)),
                lastUsedAt: try columns.get("last_used_at", as: Int64?.self).map(Date.init(milliseconds:)))
        }
    }

    public func revokeAPIKey(id: String) async throws -> Bool {
        try APIKey.checkId(id)
        let prefix = id + "%"  // checked: hex digits only, nothing LIKE would read as a pattern
        return try await transaction { connection in
            let found = try await connection.rows(
                "SELECT hash FROM api_keys WHERE hash LIKE \(prefix) FOR UPDATE", logger: self.logger)
            guard found.count <= 1 else { throw APIKey.ambiguous(id) }
            guard let row = found.first else { return false }
            let hash = try row.makeRandomAccess().get("hash", as: String.self)
            try await connection.rows("DELETE FROM api_keys WHERE hash = \(hash)", logger: self.logger)
            return true
        }
    }
}

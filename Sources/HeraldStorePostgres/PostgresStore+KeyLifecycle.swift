import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: APIKeyLifecycleStore {
    public func insertAPIKey(hash: String, role: Role, label: String?, at: Date, expiresAt: Date?) async throws {
        try Identifier.checkKeyLabel(label)
        let roleName = role.rawValue
        let created = at.ms
        let expires = expiresAt?.ms
        _ = try await rows(
            """
            INSERT INTO api_keys (hash, role, label, created_at, expires_at)
            VALUES (\(hash), \(roleName), \(label), \(created), \(expires))
            """)
    }

    public func apiKeyGrant(forKeyHash hash: String) async throws -> APIKeyGrant? {
        let found = try await rows("SELECT role, expires_at FROM api_keys WHERE hash = \(hash)")
        guard let columns = found.first?.makeRandomAccess(),
            let role = Role(rawValue: try columns.get("role", as: String.self))
        else { return nil }
        return APIKeyGrant(role: role, expiresAt: try columns.get("expires_at", as: Int64?.self).map(Date.init(milliseconds:)))
    }

    public func recordAPIKeyUse(hash: String, at: Date) async throws {
        let used = at.ms
        // Never moves backwards: two nodes (or a slow request) may report uses out of order.
        _ = try await rows(
            "UPDATE api_keys SET last_used_at = GREATEST(coalesce(last_used_at, 0), \(used)) WHERE hash = \(hash)")
    }
}

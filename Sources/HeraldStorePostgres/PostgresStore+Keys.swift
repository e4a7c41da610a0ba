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

import Foundation

/// One API key as `herald keys list` shows it: never the secret, nor even its whole hash.
public struct APIKeyInfo: Sendable, Hashable {
    /// The first 12 hex characters of the key's SHA-256, as the access audit names keys.
    public var id: String
    public var role: Role
    public var label: String?
    public var createdAt: Date
    /// When the key stops working; nil: never.
    public var expiresAt: Date?
    /// Written at most once a minute per key, so it may lag a request by that much.
    public var lastUsedAt: Date?

    public init(id: String, role: Role, label: String?, createdAt: Date, expiresAt: Date? = nil, lastUsedAt: Date? = nil) {
        self.id = id
        self.role = role
        self.label = label
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
    }
}

/// Listing and revoking keys; a side protocol so `Store` stays unchanged. A revoked key's row is deleted,
/// so every node's next lookup of it finds nothing.
public protocol APIKeyManaging: Sendable {
    /// Oldest first.
    func apiKeys() async throws -> [APIKeyInfo]
    /// False when no key has this id; throws when the id is not 12 hex characters or names several keys.
    func revokeAPIKey(id: String) async throws -> Bool
}

extension APIKey {
    public static let idLength = 12

    public static func id(forHash hash: String) -> String { String(hash.prefix(idLength)) }

    public static func checkId(_ id: String) throws(HeraldError) {
        guard id.count == idLength, id.allSatisfy(\.isHexDigit), id == id.lowercased() else {
            throw .invalid("id", "a key id is the 12 lower-case hex characters `herald keys list` shows")
        }
    }

    public static func ambiguous(_ id: String) -> HeraldError {
        HeraldError(code: "ambiguous_key_id", message: "more than one key starts with \(id)", field: "id")
    }
}

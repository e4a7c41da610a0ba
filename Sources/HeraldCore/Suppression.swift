import Foundation

/// An address-level block: the policy's address check skips (and, when it is the only one, suppresses
/// `invalid_address`) any contact address listed here.
public struct Suppression: Codable, Sendable, Hashable {
    /// Exactly as the policy compares it: see `SuppressionAddress`.
    public var address: String
    /// Why it is blocked, e.g. `invalid_address`, `hard_bounce`, `complaint`, `manual`.
    public var reason: String
    public var note: String?
    public var createdAt: Date

    public init(address: String, reason: String, note: String? = nil, createdAt: Date) {
        self.address = address
        self.reason = reason
        self.note = note
        self.createdAt = createdAt.truncatedToMilliseconds
    }
}

/// One suppression to add or update, as the API, the CLI and imports hand it to the store.
public struct SuppressionEntry: Codable, Sendable, Hashable {
    public var address: String
    public var reason: String
    public var note: String?

    public init(address: String, reason: String, note: String? = nil) {
        self.address = address
        self.reason = reason
        self.note = note
    }
}

/// One line of the suppression history: who changed what, when and why.
public struct SuppressionChange: Codable, Sendable, Hashable {
    public enum Action: String, Codable, Sendable {
        case added, updated, removed
    }

    public var id: Int64
    public var address: String
    public var action: Action
    /// The reason the address carried after the change (before it, for a removal).
    public var reason: String?
    /// Why the change was made, in the words of whoever made it.
    public var note: String?
    /// Who: `api:<key-hash prefix>/<role>` for an API key, `cli` or `cli:<name>` for the command line.
    public var actor: String
    public var at: Date

    public init(
        id: Int64, address: String, action: Action, reason: String?, note: String?, actor: String, at: Date
    ) {
        self.id = id
        self.address = address
        self.action = action
        self.reason = reason
        self.note = note
        self.actor = actor
        self.at = at.truncatedToMilliseconds
    }
}

/// A page of the suppression list, ordered by address.
public struct SuppressionQuery: Sendable, Hashable {
    /// Only this address (already normalised).
    public var address: String?
    public var reason: String?
    /// Strictly after this address: the previous page's last one.
    public var afterAddress: String?
    public var limit: Int

    public init(address: String? = nil, reason: String? = nil, afterAddress: String? = nil, limit: Int = 100) {
        self.address = address
        self.reason = reason
        self.afterAddress = afterAddress
        self.limit = limit
    }

    /// The opaque cursor for a page that ends at `address`: base64url, so no address sits in clear in a URL
    /// that proxies and access logs keep.
    public static func cursor(after address: String) -> String { Base64URL.encode(Array(address.utf8)) }

    /// The address a cursor stands for; nil when it is not one this API returned.
    public static func address(fromCursor cursor: String) -> String? {
        Base64URL.decode(cursor[...]).flatMap { String(bytes: $0, encoding: .utf8) }
    }
}

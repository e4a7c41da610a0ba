import Foundation

/// One compliance read: who (a key-hash prefix and role, never the key), when, what, and with which query.
public struct AccessRecord: Codable, Sendable, Hashable {
    public var id: Int64
    public var at: Date
    /// The first 12 hex characters of the API key's SHA-256; enough to tell keys apart, useless to log in with.
    public var keyHashPrefix: String
    public var role: String
    /// What was read, e.g. `consent_history`, `consent_export`, `chain_verify`, `dashboard_consent`.
    public var action: String
    /// The subject or query string, e.g. a contact id or `since=…&format=csv`.
    public var query: String

    public init(id: Int64 = 0, at: Date, keyHashPrefix: String, role: String, action: String, query: String) {
        self.id = id
        self.at = at
        self.keyHashPrefix = keyHashPrefix
        self.role = role
        self.action = action
        self.query = query
    }
}

/// Records and lists compliance reads. A separate protocol so `Store` itself stays unchanged.
public protocol AccessAuditing: Sendable {
    func recordAccess(_ record: AccessRecord) async throws
    /// Oldest first, strictly after `afterId`.
    func accessRecords(afterId: Int64, limit: Int) async throws -> [AccessRecord]
}

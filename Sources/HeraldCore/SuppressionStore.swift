import Foundation

/// The suppression list with its history. A protocol of its own so `Store` stays as it is; both backends
/// conform, and every change goes to the history in the same transaction as the change itself.
public protocol SuppressionStore: Sendable {
    /// One page, ordered by address.
    func suppressions(_ query: SuppressionQuery) async throws -> [Suppression]
    /// The suppressions of exactly these addresses (those that have one).
    func suppressions(addresses: [String]) async throws -> [Suppression]
    /// Adds each entry, or updates the reason and note of one already listed, and records who did it, all in
    /// one transaction: an import is all or nothing. Returns, in order, whether each entry was new. An
    /// address listed twice is new at most once and keeps its last entry; each entry is one history line.
    func addSuppressions(_ entries: [SuppressionEntry], actor: String, at: Date) async throws -> [Bool]
    /// Removes the suppression and records who did it and why; false when the address was not listed.
    func removeSuppression(address: String, note: String?, actor: String, at: Date) async throws -> Bool
    /// Every recorded change to this address, oldest first.
    func suppressionChanges(address: String) async throws -> [SuppressionChange]
}

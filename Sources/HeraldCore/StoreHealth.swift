import Foundation

/// A cheap round trip to the storage, for `/readyz`. A separate protocol so `Store` itself stays unchanged.
public protocol StoreHealth: Sendable {
    /// Returns when the storage answered a trivial query; throws `store_unavailable` (or the store's own
    /// error) when it did not.
    func ping() async throws
}

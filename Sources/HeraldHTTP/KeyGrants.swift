import Foundation
import HeraldCore

/// How a presented key hash becomes a grant, for the API and the dashboard's sign-in alike: with expiry
/// when the store keeps one, else the role alone.
enum KeyGrants {
    static func lookup(_ store: any Store, hash: String) async throws -> APIKeyGrant? {
        if let lifecycle = store as? any APIKeyLifecycleStore { return try await lifecycle.apiKeyGrant(forKeyHash: hash) }
        return try await store.role(forKeyHash: hash).map { APIKeyGrant(role: $0) }
    }

    /// Notes the use of a key at most once a minute; a failed write never fails the request it came with.
    static func noteUse(_ store: any Store, hash: String, now: Date, throttle: KeyUseThrottle) async {
        guard let lifecycle = store as? any APIKeyLifecycleStore, throttle.shouldRecord(hash, now: now) else { return }
        try? await lifecycle.recordAPIKeyUse(hash: hash, at: now)
    }
}

import Foundation
import Synchronization

/// What a key grants: its role, until its expiry (nil: no expiry).
public struct APIKeyGrant: Sendable, Hashable {
    public var role: Role
    public var expiresAt: Date?

    public init(role: Role, expiresAt: Date? = nil) {
        self.role = role
        self.expiresAt = expiresAt
    }

    public func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }
}

/// Expiry and last use of API keys; a side protocol so `Store` stays unchanged. Both backends conform.
public protocol APIKeyLifecycleStore: Sendable {
    /// Stores a new key that stops working at `expiresAt` (nil: never).
    func insertAPIKey(hash: String, role: Role, label: String?, at: Date, expiresAt: Date?) async throws
    /// The key's role and expiry; nil when no key has this hash (never created, or revoked).
    func apiKeyGrant(forKeyHash hash: String) async throws -> APIKeyGrant?
    /// Notes that the key was used at `at`. Callers throttle this (`KeyUseThrottle`): it is a write.
    func recordAPIKeyUse(hash: String, at: Date) async throws
}

extension HeraldError {
    /// 401 for a key past its `expires_at`: a stable code so clients can tell it from an unknown key.
    public static let keyExpired = HeraldError(
        code: "key_expired", message: "this API key has expired; create a new one", statusCode: 401)
}

/// Whether a key's use should be written now: at most once per `interval` per key, so "last used" costs one
/// write a minute per active key instead of one per request. Pure apart from its memory of past writes.
public final class KeyUseThrottle: Sendable {
    public static let interval: TimeInterval = 60
    private let lastWritten = Mutex<[String: Date]>([:])

    public init() {}

    /// True (and remembered) when `hash` was not written within the interval before `now`.
    public func shouldRecord(_ hash: String, now: Date) -> Bool {
        lastWritten.withLock { written in
            if let last = written[hash], now.timeIntervalSince(last) < Self.interval, now >= last { return false }
            if written.count > 10_000 { written.removeAll() }
            written[hash] = now
            return true
        }
    }
}

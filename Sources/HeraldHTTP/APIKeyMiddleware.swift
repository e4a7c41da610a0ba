import Foundation
import Hummingbird
import HeraldCore
import Synchronization

/// Resolves `Authorization: Bearer <key>` (or, on the dashboard's pages, its session cookie) to a role.
/// Routes decide which roles they accept.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let store: any Store
    let sessionSecret: [UInt8]
    let now: @Sendable () -> Date
    /// Recently seen key hashes. An entry lives `RoleCache.lifetime`, so a revoked key (its row deleted on
    /// any node) stops working everywhere within that.
    private let cache = RoleCache()
    private let useThrottle = KeyUseThrottle()

    init(store: any Store, sessionSecret: [UInt8], now: @escaping @Sendable () -> Date) {
        self.store = store
        self.sessionSecret = sessionSecret
        self.now = now
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let now = now()
        if let hash = presentedKeyHash(request, now: now) {
            context.keyHashPrefix = String(hash.prefix(12))
            var grant = cache.grant(for: hash, now: now)
            if grant == nil, let found = try await KeyGrants.lookup(store, hash: hash) {
                cache.remember(found, for: hash, now: now)
                grant = found
            }
            if let grant, grant.isExpired(at: now) {
                context.keyExpired = true
            } else if let grant {
                context.role = grant.role
                await KeyGrants.noteUse(store, hash: hash, now: now, throttle: useThrottle)
            }
        }
        return try await next(request, context)
    }

    /// The bearer key's hash; for the dashboard's GET pages only, the one its session cookie names (a
    /// browser cannot send a bearer header when following a link).
    func presentedKeyHash(_ request: Request, now: Date) -> String? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return APIKey.hash(String(header.dropFirst("Bearer ".count)))
        }
        guard request.method == .get, request.uri.path.hasPrefix("/ui"),
            let session = request.cookies[DashboardAuth.cookieName]?.value
        else { return nil }
        return DashboardSession.keyHash(from: session, now: now, secret: sessionSecret)
    }
}

final class RoleCache: Sendable {
    /// Seconds a looked-up role is trusted before the store is asked again.
    static let lifetime: TimeInterval = 3
    private let grants = Mutex<[String: (grant: APIKeyGrant, until: Date)]>([:])

    func grant(for hash: String, now: Date) -> APIKeyGrant? {
        grants.withLock { grants in
            guard let entry = grants[hash], entry.until > now else { return nil }
            return entry.grant
        }
    }

    func remember(_ grant: APIKeyGrant, for hash: String, now: Date) {
        grants.withLock { grants in
            if grants.count > 10_000 { grants.removeAll() }
            grants[hash] = (grant, now.addingTimeInterval(Self.lifetime))
        }
    }
}

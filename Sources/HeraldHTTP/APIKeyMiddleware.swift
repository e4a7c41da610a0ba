import Hummingbird
import HeraldCore
import Synchronization

/// Resolves `Authorization: Bearer <key>` to a role. Routes decide which roles they accept.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let store: any Store
    /// Known key hashes; keys are never deleted, so a hit stays valid and saves a store read per request.
    private let cache = RoleCache()

    init(store: any Store) { self.store = store }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let key = Self.presentedKey(request) {
            let hash = APIKey.hash(key)
            context.keyHashPrefix = String(hash.prefix(12))
            if let role = cache.role(for: hash) {
                context.role = role
            } else if let role = try await store.role(forKeyHash: hash) {
                cache.remember(role, for: hash)
                context.role = role
            }
        }
        return try await next(request, context)
    }

    /// The bearer header; for the dashboard's GET pages only, the HttpOnly cookie set at login (a browser
    /// cannot send a bearer header when following a link).
    static func presentedKey(_ request: Request) -> String? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return String(header.dropFirst("Bearer ".count))
        }
        guard request.method == .get, request.uri.path.hasPrefix("/ui") else { return nil }
        return request.cookies[DashboardAuth.cookieName]?.value
    }
}

final class RoleCache: Sendable {
    private let roles = Mutex<[String: Role]>([:])

    func role(for hash: String) -> Role? { roles.withLock { $0[hash] } }

    func remember(_ role: Role, for hash: String) {
        roles.withLock { roles in
            if roles.count > 10_000 { roles.removeAll() }
            roles[hash] = role
        }
    }
}

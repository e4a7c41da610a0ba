import Foundation
import Hummingbird
import HeraldCore

/// A browser cannot send a bearer header when following a link, so the dashboard takes the key once —
/// from a small sign-in form, or `/ui?key=…` for scripts — checks its role, and keeps a signed session
/// (`DashboardSession`: the key's hash and an expiry, never the key) in an HttpOnly, SameSite=Strict
/// cookie scoped to `/ui`. API routes never accept the cookie.
enum DashboardAuth {
    static let cookieName = "herald_ui"

    static func cookie(_ session: String) -> Cookie {
        Cookie(
            name: cookieName, value: session, maxAge: Int(DashboardSession.lifetime), path: "/ui", httpOnly: true,
            sameSite: .strict)
    }

    static func signInPage(error: String? = nil) -> String {
        let message = error.map { "<p class=\"revoked\">\(DashboardHTML.escape($0))</p>" } ?? ""
        return DashboardHTML.page(
            title: "Sign in", role: nil,
            body: """
                <section><h2>Sign in</h2>\(message)
                <p class="muted">Paste an API key with the ops or compliance role.</p>
                <form method="post" action="/ui/login" class="inline">
                <input type="password" name="key" autocomplete="off" placeholder="hk_…" required>
                <button type="submit">Sign in</button></form></section>
                """)
    }

    /// Whether this key may see the dashboard.
    static func isDashboardRole(_ role: Role?) -> Bool {
        guard let role else { return false }
        return role.permits(.ops) || role.permits(.compliance)
    }
}

extension HeraldAPI {
    func addDashboardAuthRoutes(to router: Router<HeraldRequestContext>) {
        router.post("/ui/login") { request, context in
            let form = String(decoding: try await request.bodyData(context: context, limit: BodyLimits.login), as: UTF8.self)
            let key = form.split(separator: "&").compactMap { pair -> String? in
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0] == "key" else { return nil }
                return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }.first ?? ""
            return try await signIn(key: key)
        }

        router.get("/ui/logout") { _, _ in
            var response = Response(status: .seeOther, headers: [.location: "/ui"])
            response.setCookie(Cookie(name: DashboardAuth.cookieName, value: "", maxAge: 0, path: "/ui"))
            return response
        }
    }

    /// Checks the key's role and, if it may see the dashboard, sets the cookie and redirects to the overview.
    func signIn(key: String, redirectTo target: String = "/ui") async throws -> Response {
        let grant = key.isEmpty ? nil : try await KeyGrants.lookup(deps.store, hash: APIKey.hash(key))
        let role = grant?.isExpired(at: deps.now()) == false ? grant?.role : nil
        guard DashboardAuth.isDashboardRole(role) else {
            return DashboardHTML.response(
                DashboardAuth.signInPage(error: "That key is unknown, expired, or lacks the ops or compliance role."),
                status: .unauthorized)
        }
        var response = Response(status: .seeOther, headers: [.location: target])
        let session = DashboardSession.issue(keyHash: APIKey.hash(key), now: deps.now(), secret: deps.unsubscribeSecret)
        response.setCookie(DashboardAuth.cookie(session))
        return response
    }
}

import AsyncHTTPClient
import Foundation
import HeraldCore
import JWTKit

/// Why an OAuth token could not be had: transient failures retry the send, permanent ones fail it.
enum PushCredentialError: Error, Sendable {
    case transient(String)
    case permanent(String)
}

/// The claims Google's token endpoint expects in a service-account assertion (RFC 7523).
struct GoogleAssertionClaims: JWTPayload {
    var iss: IssuerClaim
    var scope: String
    var aud: AudienceClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
}

/// Mints and caches the OAuth access token FCM wants. One refresh at a time: concurrent sends that find the
/// token stale all wait for the same exchange.
actor FCMAccessTokenSource {
    static let scope = "https://www.googleapis.com/auth/firebase.messaging"
    static let assertionLifetime: TimeInterval = 3600

    private struct AccessToken {
        var value: String
        var refreshAt: Date
    }

    private let account: GoogleServiceAccount
    private let key: Insecure.RSA.PrivateKey
    private let client: HTTPClient
    private let timeout: TimeInterval
    private let now: @Sendable () -> Date
    private var current: AccessToken?
    private var refreshing: Task<AccessToken, any Error>?

    init(account: GoogleServiceAccount, client: HTTPClient, timeout: TimeInterval, now: @escaping @Sendable () -> Date)
        throws(HeraldError)
    {
        do {
            key = try Insecure.RSA.PrivateKey(pem: account.privateKey)
        } catch {
            throw HeraldError(
                code: "invalid_config",
                message: "service account private_key is not an RSA PEM key (2048 bits or more)",
                field: "options.service_account_json")
        }
        self.account = account
        self.client = client
        self.timeout = timeout
        self.now = now
    }

    /// A valid access token, from cache until shortly before it expires.
    func token() async throws(PushCredentialError) -> String {
        if let current, now() < current.refreshAt { return current.value }
        let task = refreshing ?? Task { try await self.refresh() }
        refreshing = task
        do {
            return try await task.value.value
        } catch {
            throw error as? PushCredentialError ?? .permanent("fcm oauth: \(type(of: error))")
        }
    }

    /// FCM answered 401 to `token`: drop it unless a newer one already replaced it, so many 401s cost one refresh.
    func invalidate(_ token: String) {
        if current?.value == token { current = nil }
    }

    /// Runs once per refresh, whoever asked first; the task (not each waiter) stores the result, so a token
    /// invalidated meanwhile is never put back.
    private func refresh() async throws -> AccessToken {
        defer { refreshing = nil }
        let fresh = try await exchange()
        current = fresh
        return fresh
    }

    private func exchange() async throws -> AccessToken {
        let issuedAt = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        let claims = GoogleAssertionClaims(
            iss: IssuerClaim(value: account.clientEmail), scope: Self.scope,
            aud: AudienceClaim(value: account.tokenURI),
            iat: IssuedAtClaim(value: issuedAt), exp: ExpirationClaim(value: issuedAt + Self.assertionLifetime))
        let assertion: String
        do {
            let keys = await JWTKeyCollection().add(rsa: key, digestAlgorithm: .sha256)
            assertion = try await keys.sign(claims)
        } catch {
            throw PushCredentialError.permanent("fcm oauth: cannot sign assertion")
        }
        let form =
            "grant_type=\(Self.formEncode("urn:ietf:params:oauth:grant-type:jwt-bearer"))"
            + "&assertion=\(Self.formEncode(assertion))"
        let response: PushHTTPResponse
        do {
            response = try await PushHTTP.post(
                client, url: account.tokenURI, headers: [("content-type", "application/x-www-form-urlencoded")],
                body: Data(form.utf8), timeout: timeout)
        } catch {
            throw PushCredentialError.transient("fcm oauth \(PushHTTP.describe(error))")
        }
        let json = response.jsonObject
        guard response.status == 200, let value = json["access_token"] as? String else {
            let reason = "fcm oauth \(response.status) \(json["error"] as? String ?? "")"
            let transient = response.status == 429 || response.status >= 500
            throw transient ? PushCredentialError.transient(reason) : PushCredentialError.permanent(reason)
        }
        let lifetime = (json["expires_in"] as? NSNumber)?.doubleValue ?? 3600
        // Refresh five minutes early (or halfway, for short-lived tokens) so a send never carries a dying token.
        let refreshAt = issuedAt + max(lifetime - 300, lifetime / 2)
        return AccessToken(value: value, refreshAt: refreshAt)
    }

    private static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

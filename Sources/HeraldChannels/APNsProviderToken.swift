import Foundation
import HeraldCore
import JWTKit

/// Claims of an APNs provider token: who signs (team id) and when; the key id rides in the header.
struct APNsProviderClaims: JWTPayload {
    var iss: IssuerClaim
    var iat: IssuedAtClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The ES256 provider token APNs wants in `authorization`. Apple rejects tokens older than an hour and answers
/// `TooManyProviderTokenUpdates` to tokens changed more often than every 20 minutes, so one token is reused
/// for 50 minutes and never replaced sooner than 20.
actor APNsProviderToken {
    static let refreshAge: TimeInterval = 50 * 60
    static let minimumAge: TimeInterval = 20 * 60

    private struct Minted {
        var value: String
        var issuedAt: Date
    }

    private let key: ES256PrivateKey
    private let keyId: String
    private let teamId: String
    private let now: @Sendable () -> Date
    private var current: Minted?
    private var minting: Task<Minted, any Error>?

    init(config: APNsConfig, now: @escaping @Sendable () -> Date) throws(HeraldError) {
        do {
            key = try ES256PrivateKey(pem: config.keyPEM)
        } catch {
            throw HeraldError(
                code: "invalid_config", message: "APNs key is not a P-256 PEM (.p8) key", field: "options.key_pem")
        }
        keyId = config.keyId
        teamId = config.teamId
        self.now = now
    }

    func token() async throws(PushCredentialError) -> String {
        if let current, now().timeIntervalSince(current.issuedAt) < Self.refreshAge { return current.value }
        let task = minting ?? Task { try await self.refresh() }
        minting = task
        do {
            return try await task.value.value
        } catch {
            throw .permanent("apns: cannot sign provider token")
        }
    }

    /// APNs called `token` expired. Returns whether the next `token()` gives a different one: not when
    /// `token` is younger than 20 minutes (a clock problem; replacing it would only draw TooManyProviderTokenUpdates).
    func expire(_ token: String) -> Bool {
        guard let current, current.value == token else { return true }
        guard now().timeIntervalSince(current.issuedAt) >= Self.minimumAge else { return false }
        self.current = nil
        return true
    }

    /// Runs once per refresh, whoever asked first: concurrent sends share one new token.
    private func refresh() async throws -> Minted {
        defer { minting = nil }
        let minted = try await mint()
        current = minted
        return minted
    }

    private func mint() async throws -> Minted {
        let issuedAt = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        let keys = await JWTKeyCollection().add(ecdsa: key)
        var header = JWTHeader()
        header.kid = keyId
        let value = try await keys.sign(
            APNsProviderClaims(iss: IssuerClaim(value: teamId), iat: IssuedAtClaim(value: issuedAt)), header: header)
        return Minted(value: value, issuedAt: issuedAt)
    }
}

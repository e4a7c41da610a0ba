import Crypto
import Foundation
import HeraldChannels
import HeraldCore
import Hummingbird
import JWTKit
import NIOCore
import Synchronization

/// The claims APNs reads from a provider token.
struct FakeAPNsProviderClaims: JWTPayload {
    var iss: String
    var iat: Int

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// APNs `POST /3/device/{token}` replaying channels/apns/fixtures, verifying each ES256 provider token with
/// the public half of a key generated for the test.
final class APNsFake: Sendable {
    struct Attempt: Sendable {
        var deviceToken: String
        var headers: [String: String]
        var body: JSONValue?
        var bearer: String
    }

    struct State {
        var attempts: [Attempt] = []
        var bearerProblems: [String] = []
        var expiredBearers: Set<String> = []
        var expireEveryBearer = false
        /// Device token → fixture name; unlisted tokens get `send-ok`.
        var fixtureByToken: [String: String] = [:]
    }

    let keyId = "ABC123DEFG"
    let teamId = "DEF123GHIJ"
    let topic = "com.example.shop"
    let key = P256.Signing.PrivateKey()
    let state = Mutex(State())

    init(fixtureByToken: [String: String] = [:], expireEveryBearer: Bool = false) {
        state.withLock {
            $0.fixtureByToken = fixtureByToken
            $0.expireEveryBearer = expireEveryBearer
        }
    }

    /// The key as Apple hands it out: a PKCS#8 PEM (`.p8`).
    var keyPEM: String { key.pemRepresentation }

    func config(base: String) -> APNsConfig {
        APNsConfig(keyPEM: keyPEM, keyId: keyId, teamId: teamId, topic: topic, baseURL: base)
    }

    var snapshot: State { state.withLock { $0 } }
    var bearers: [String] { snapshot.attempts.map(\.bearer) }

    /// From now on APNs calls `bearer` expired, as it does an hour after its `iat`.
    func expire(_ bearer: String) { state.withLock { _ = $0.expiredBearers.insert(bearer) } }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/3/device/:token") { request, context in
            try await self.deliver(request, deviceToken: context.parameters.get("token") ?? "")
        }
        return router
    }

    private func deliver(_ request: Request, deviceToken: String) async throws -> Response {
        let data = Data(try await request.body.collect(upTo: 1 << 16).readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let bearer = String((headers["authorization"] ?? "").trimmingPrefix("bearer "))
        let problem = await bearerProblem(bearer)
        let fixtureName: String = state.withLock { state in
            state.attempts.append(
                Attempt(
                    deviceToken: deviceToken, headers: headers,
                    body: try? JSONDecoder().decode(JSONValue.self, from: data), bearer: bearer))
            if let problem {
                state.bearerProblems.append(problem)
                return "invalid-provider-token"
            }
            if state.expireEveryBearer || state.expiredBearers.contains(bearer) { return "expired-provider-token" }
            return state.fixtureByToken[deviceToken] ?? "send-ok"
        }
        let fixture = try PushFixture.load("apns", fixtureName)
        return fixture.reply(headers: headers["apns-id"].map { ["apns-id": $0] } ?? [:])
    }

    private func bearerProblem(_ bearer: String) async -> String? {
        let header = PushJWTParts.decode(bearer, part: 0)
        guard header["alg"] as? String == "ES256" else { return "alg" }
        guard header["kid"] as? String == keyId else { return "kid" }
        do {
            let publicKey = try ES256PublicKey(backing: key.publicKey)
            let keys = await JWTKeyCollection().add(ecdsa: publicKey)
            let claims = try await keys.verify(bearer, as: FakeAPNsProviderClaims.self)
            return claims.iss == teamId ? nil : "iss"
        } catch {
            return "signature or claim types: \(error)"
        }
    }
}

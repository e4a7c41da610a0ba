import Crypto
import CryptoExtras
import Foundation
import HeraldChannels
import HeraldCore
import Hummingbird
import JWTKit
import NIOCore
import Synchronization

/// The claims a Google token endpoint reads from a service-account assertion, typed the way Google wants
/// them on the wire: `aud` a single string, `iat`/`exp` whole seconds.
struct FakeGoogleAssertion: JWTPayload {
    var iss: String
    var scope: String
    var aud: String
    var iat: Int
    var exp: Int

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Google's OAuth token endpoint and FCM's `messages:send`, replaying channels/fcm/fixtures. The OAuth side
/// verifies each assertion's RS256 signature with the public half of a key generated for the test.
final class FCMFake: Sendable {
    struct Send: Sendable {
        var token: String
        var body: JSONValue
        var accessToken: String
    }

    struct State {
        var tokenURI = ""
        var oauthRequests = 0
        var assertionProblems: [String] = []
        var issuedAccessTokens: [String] = []
        var revokedAccessTokens: Set<String> = []
        var revokeFirstAccessToken = false
        var sends: [Send] = []
        /// Device token → fixture name; unlisted tokens get `send-ok`.
        var fixtureByToken: [String: String] = [:]
    }

    let projectId = "herald-demo"
    let clientEmail = "herald-push@herald-demo.iam.gserviceaccount.com"
    let key: _RSA.Signing.PrivateKey
    let state = Mutex(State())

    init(fixtureByToken: [String: String] = [:], revokeFirstAccessToken: Bool = false) throws {
        key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        state.withLock {
            $0.fixtureByToken = fixtureByToken
            $0.revokeFirstAccessToken = revokeFirstAccessToken
        }
    }

    /// Driver options pointing at this fake, with a service-account file shaped like Google's.
    func config(base: String) -> FCMConfig {
        let tokenURI = "\(base)/token"
        state.withLock { $0.tokenURI = tokenURI }
        let account: [String: String] = [
            "type": "service_account", "project_id": projectId, "private_key_id": "0123456789abcdef",
            "private_key": key.pkcs8PEMRepresentation, "client_email": clientEmail, "token_uri": tokenURI,
        ]
        let json = try! JSONSerialization.data(withJSONObject: account)
        return FCMConfig(serviceAccountJSON: String(decoding: json, as: UTF8.self), baseURL: base)
    }

    var snapshot: State { state.withLock { $0 } }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/token") { request, _ in try await self.exchange(request) }
        router.post("/v1/projects/:project/messages:send") { request, context in
            try await self.send(request, project: context.parameters.get("project") ?? "")
        }
        return router
    }

    private func exchange(_ request: Request) async throws -> Response {
        let form = String(decoding: try await request.body.collect(upTo: 1 << 16).readableBytesView, as: UTF8.self)
        let fields = Dictionary(
            form.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { first, _ in first })
        let problem = await assertionProblem(grantType: fields["grant_type"], assertion: fields["assertion"] ?? "")
        let issued: String? = state.withLock { state in
            state.oauthRequests += 1
            if let problem {
                state.assertionProblems.append(problem)
                return nil
            }
            let token = "ya29.fake-\(state.issuedAccessTokens.count + 1)"
            if state.revokeFirstAccessToken, state.issuedAccessTokens.isEmpty {
                state.revokedAccessTokens.insert(token)
            }
            state.issuedAccessTokens.append(token)
            return token
        }
        guard let issued else { return try PushFixture.load("fcm", "oauth-invalid-grant").reply() }
        let fixture = try PushFixture.load("fcm", "oauth-token")
        var body = fixture.response.body?.objectValue ?? [:]
        body["access_token"] = .string(issued)
        return fixture.reply(body: .object(body))
    }

    private func assertionProblem(grantType: String?, assertion: String) async -> String? {
        guard grantType == "urn:ietf:params:oauth:grant-type:jwt-bearer" else { return "grant_type" }
        guard PushJWTParts.decode(assertion, part: 0)["alg"] as? String == "RS256" else { return "alg" }
        let claims: FakeGoogleAssertion
        do {
            let publicKey = try Insecure.RSA.PublicKey(backing: key.publicKey)
            let keys = await JWTKeyCollection().add(rsa: publicKey, digestAlgorithm: .sha256)
            claims = try await keys.verify(assertion, as: FakeGoogleAssertion.self)
        } catch {
            return "signature or claim types: \(error)"
        }
        let tokenURI = state.withLock { $0.tokenURI }
        if claims.iss != clientEmail { return "iss" }
        if claims.scope != "https://www.googleapis.com/auth/firebase.messaging" { return "scope" }
        if claims.aud != tokenURI { return "aud" }
        if claims.exp - claims.iat != 3600 { return "exp - iat" }
        return nil
    }

    private func send(_ request: Request, project: String) async throws -> Response {
        let data = Data(try await request.body.collect(upTo: 1 << 16).readableBytesView)
        let body = try JSONDecoder().decode(JSONValue.self, from: data)
        let token = body["message"]?["token"]?.stringValue ?? ""
        let accessToken = String((request.headers[.authorization] ?? "").trimmingPrefix("Bearer "))
        let fixtureName: String = state.withLock { state in
            guard state.issuedAccessTokens.contains(accessToken), !state.revokedAccessTokens.contains(accessToken)
            else { return "unauthenticated" }
            state.sends.append(Send(token: token, body: body, accessToken: accessToken))
            return state.fixtureByToken[token] ?? "send-ok"
        }
        guard project == projectId else { return Response(status: .notFound) }
        let fixture = try PushFixture.load("fcm", fixtureName)
        guard fixtureName == "send-ok" else { return fixture.reply() }
        // A distinct id per token, so tests can tell whose id the driver kept; a "talkative" token's answer
        // carries 200 KB more than the driver reads.
        var reply: [String: JSONValue] = ["name": .string("projects/\(projectId)/messages/\(token)")]
        if token.hasSuffix("talkative") { reply["padding"] = .string(String(repeating: "x", count: 200_000)) }
        return fixture.reply(body: .object(reply))
    }
}

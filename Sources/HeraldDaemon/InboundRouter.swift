import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP

/// Routes provider callbacks to the profile of the channel they name. A channel accepts callbacks when it
/// has an inbound secret (sent as `?secret=` or the `X-Herald-Secret` header), when its profile says how the
/// provider signs them (`signature`), or both — then both must hold. A profile with `verification` also
/// answers the provider's URL check, when the token it sends is the inbound secret.
public struct InboundRouter: InboundHandling {
    struct Endpoint: Sendable {
        var parser: ReceiptParser
        var secret: String?
        var signature: WebhookSignature?
        var verification: Profile.VerificationSpec?
    }

    let endpoints: [String: Endpoint]
    /// Email channels: bounce and complaint reports (`EmailInbound`).
    let emailEndpoints: [String: EmailInbound]
    /// The daemon's public base URL: signatures cover the URL the provider called, not the one we see.
    let publicURL: String

    /// `now` is the clock Mailgun's signature timestamps are checked against.
    public init(
        loaded: LoadedConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws {
        var endpoints: [String: Endpoint] = [:]
        let configs = (loaded.config.channels ?? []).filter { $0.driver == "http" && $0.profile != nil }
        let catalog = configs.isEmpty ? nil : try ChannelFactory.profileCatalog(loaded)
        for config in configs {
            guard let catalog, let profileId = config.profile else { continue }
            let options = config.options ?? [:]
            let field = "channels.\(config.id).options"
            let secret = try Secrets.optional(
                "inbound_secret", in: options, field: "\(field).inbound_secret", environment: environment)
            let profile = try catalog.profile(profileId)
            var signature: WebhookSignature?
            if let spec = profile.signature {
                let secrets = try profile.resolveSecrets(instanceId: config.id, options: options, environment: environment)
                guard let key = secrets[spec.secret] else {
                    throw HeraldError(
                        code: "config_invalid",
                        message: "profile \(profileId) verifies callback signatures with secret \(spec.secret): set \(spec.secret)_env or \(spec.secret)_file",
                        field: "\(field).\(spec.secret)")
                }
                signature = WebhookSignature(spec: spec, secret: key)
            }
            guard secret != nil || signature != nil else { continue }
            endpoints[config.id] = Endpoint(
                parser: ReceiptParser(profile: profile), secret: secret, signature: signature,
                verification: profile.verification)
        }
        self.endpoints = endpoints
        self.emailEndpoints = try EmailInbound.endpoints(loaded: loaded, environment: environment, now: now)
        self.publicURL = loaded.publicURL
    }

    public func admit(channelId: String, headers: [String: String], query: String?) throws {
        if let email = emailEndpoints[channelId] { return try email.admit(headers: headers, query: query) }
        guard let endpoint = endpoints[channelId] else { throw HeraldError.notFound("inbound channel") }
        if let verification = endpoint.verification, Self.queryValue(verification.challengeQuery, in: query) != nil { return }
        if let secret = endpoint.secret { try Self.checkSecret(secret, headers: headers, query: query) }
    }

    public func parse(channelId: String, headers: [String: String], query: String?, body: Data) async throws -> [InboundAction] {
        if let email = emailEndpoints[channelId] { return try await email.parse(headers: headers, query: query, body: body) }
        guard let endpoint = endpoints[channelId] else { throw HeraldError.notFound("inbound channel") }
        if let verification = endpoint.verification, let challenge = Self.queryValue(verification.challengeQuery, in: query) {
            return [try Self.answer(challenge, token: Self.queryValue(verification.tokenQuery, in: query), secret: endpoint.secret)]
        }
        if let signature = endpoint.signature {
            let url = WebhookSignature.callbackURL(publicBase: publicURL, channelId: channelId, query: query)
            try signature.verify(url: url, headers: headers, body: Array(body))
        }
        if let secret = endpoint.secret { try Self.checkSecret(secret, headers: headers, query: query) }
        let request = InboundRequest(contentType: headers["content-type"], body: Array(body), query: query)
        switch try endpoint.parser.parse(request) {
        case .receipt(let id, let state): return [.receipt(providerMessageId: id, state: state)]
        case .inboundText(let from, let text): return [.reply(from: from, text: text)]
        case .ignored: return [.ignored]
        }
    }

    /// The provider's URL check carries no signature; the token it sends (set by the user in the provider's
    /// dashboard) must be the instance's inbound secret. The echo is limited to what challenges look like.
    static func answer(_ challenge: String, token: String?, secret: String?) throws -> InboundAction {
        guard let secret, let token, constantTimeEquals(token, secret) else {
            throw HeraldError(
                code: "forbidden", message: "verification token missing or wrong: it must be the channel's inbound_secret",
                statusCode: 403)
        }
        let allowed = challenge.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
        guard (1...256).contains(challenge.utf8.count), allowed else {
            throw HeraldError(code: "invalid_request", message: "challenge must be 1–256 letters, digits, '-', '_' or '.'")
        }
        return .challenge(challenge)
    }

    static func checkSecret(_ secret: String, headers: [String: String], query: String?) throws {
        let given = headers["x-herald-secret"] ?? queryValue("secret", in: query)
        guard let given, constantTimeEquals(given, secret) else {
            throw HeraldError(code: "forbidden", message: "inbound secret missing or wrong", statusCode: 403)
        }
    }

    static func queryValue(_ name: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.first == Substring(name), parts.count == 2 { return String(parts[1]).removingPercentEncoding }
        }
        return nil
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}

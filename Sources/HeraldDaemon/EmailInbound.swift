import AsyncHTTPClient
import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP
import NIOCore
import NIOHTTP1

/// `POST /v1/inbound/{email_channel_id}`: raw bounce and complaint reports (DSN, ARF) from an MTA pipe or a
/// mailbox poller, and — with `events_profile` — the ESP's event webhooks. Raw reports need the channel's
/// inbound secret; ESP posts are authenticated as their profile says (SNS or Mailgun signatures, or the
/// secret).
struct EmailInbound: Sendable {
    let channelId: String
    let secret: String?
    let reports: DeliveryReportParser
    let events: EmailEventParser?
    let mailgunKey: String?
    let sns: SNSVerifier?
    let rule: SoftBounceRule
    let get: SNSVerifier.Fetch
    let replay = MailgunReplayGuard()
    let now: @Sendable () -> Date

    /// One per smtp channel that accepts inbound posts (an inbound secret or an ESP profile).
    static func endpoints(
        loaded: LoadedConfig, environment: [String: String], now: @escaping @Sendable () -> Date
    ) throws -> [String: EmailInbound] {
        var endpoints: [String: EmailInbound] = [:]
        for config in loaded.config.channels ?? [] where config.driver == "smtp" {
            let options = config.options ?? [:]
            let field = "channels.\(config.id).options"
            let secret = try Secrets.optional(
                "inbound_secret", in: options, field: "\(field).inbound_secret", environment: environment)
            let overrides = loaded.config.profilesDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
            let profile = try options["events_profile"].map { try EmailEventCatalog.profile($0, overrides: overrides) }
            guard secret != nil || profile != nil else { continue }
            var mailgunKey: String?
            var sns: SNSVerifier?
            switch profile?.authentication {
            case .mailgun:
                guard let key = try Secrets.optional("signing_key", in: options, field: "\(field).signing_key", environment: environment) else {
                    throw HeraldError(code: "config_invalid", message: "mailgun events need signing_key_env or signing_key_file", field: "\(field).signing_key")
                }
                mailgunKey = key
            case .sns:
                sns = SNSVerifier(certificateBase: options["sns_certificate_base"], fetch: Self.httpGet)
            case .secret:
                guard secret != nil else {
                    throw HeraldError(code: "config_invalid", message: "\(profile?.id ?? "") events are authenticated by the channel's inbound_secret: set inbound_secret_env or inbound_secret_file", field: "\(field).inbound_secret")
                }
            case nil:
                break
            }
            let verp = (options["bounce_domain"] != nil || options["bounce_secret_env"] != nil || options["bounce_secret_file"] != nil)
                ? try BounceSettings.signer(config, loaded: loaded, environment: environment) : nil
            endpoints[config.id] = EmailInbound(
                channelId: config.id, secret: secret, reports: DeliveryReportParser(verp: verp, channelId: config.id),
                events: profile.map(EmailEventParser.init), mailgunKey: mailgunKey, sns: sns,
                rule: try BounceSettings.softBounceRule(config), get: Self.httpGet, now: now)
        }
        return endpoints
    }

    func admit(headers: [String: String], query: String?) throws {
        // Signed ESP posts carry no secret; raw reports are checked in `parse` once the body shows which it is.
        if let secret, events?.profile.authentication == .secret || events == nil {
            try InboundRouter.checkSecret(secret, headers: headers, query: query)
        }
    }

    func parse(headers: [String: String], query: String?, body: Data) async throws -> [InboundAction] {
        let bytes = Array(body)
        if let events, let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == 0x7B || first == 0x5B {
            return try await parseEvents(events, bytes)
        }
        guard let secret else {
            throw HeraldError(code: "forbidden", message: "raw reports need the channel's inbound_secret", statusCode: 403)
        }
        try InboundRouter.checkSecret(secret, headers: headers, query: query)
        return [.emailReport(try reports.parse(bytes), rule: rule)]
    }

    private func parseEvents(_ events: EmailEventParser, _ bytes: [UInt8]) async throws -> [InboundAction] {
        switch events.profile.authentication {
        case .mailgun:
            let signed = try EmailEventParser.verifyMailgun(bytes, signingKey: mailgunKey ?? "")
            try await replay.admit(timestamp: signed.timestamp, token: signed.token, now: now())
        case .sns:
            guard let sns else { break }
            let envelope = try await sns.verify(bytes)
            switch envelope["Type"].flatMap(ProfileJSONPath.text) {
            case "SubscriptionConfirmation":
                guard let subscribe = envelope["SubscribeURL"].flatMap(ProfileJSONPath.text) else {
                    return [.emailReport([], rule: rule)]
                }
                _ = try await get(try sns.resolve(subscribe))
                return [.subscriptionConfirmed]
            case "Notification": break
            default: return [.emailReport([], rule: rule)]
            }
        case .secret:
            break
        }
        return [.emailReport(try events.parse(bytes), rule: rule)]
    }

    /// GET with a short timeout and a small body limit: certificates and subscription confirmations.
    @Sendable static func httpGet(_ url: URL) async throws -> [UInt8] {
        let request = HTTPClientRequest(url: url.absoluteString)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        guard response.status.code == 200 else {
            // Not the host: with `sns_certificate_base` it is an internal one.
            throw HeraldError(
                code: "forbidden", message: "the SNS URL answered HTTP \(response.status.code)", statusCode: 403)
        }
        return Array(buffer: try await response.body.collect(upTo: 64 << 10))
    }
}

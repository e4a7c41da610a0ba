import AsyncHTTPClient
import Foundation
import HeraldCore

/// Apple Push Notification service with a token-based (.p8) provider key, for `apns:<hex device token>`
/// addresses. AsyncHTTPClient negotiates HTTP/2 with Apple over TLS.
public struct APNsDriver: ChannelDriver {
    public static let addressPrefix = "apns:"

    public let id: String
    public var kind: ChannelKind { .push }
    private let config: APNsConfig
    private let client: HTTPClient
    /// Whether `shutdown()` shuts `client` down (a per-instance client) or leaves it (a shared one).
    private let ownsClient: Bool
    private let providerToken: APNsProviderToken
    private let now: @Sendable () -> Date

    /// Throws `invalid_config` when the key is not a P-256 PEM key.
    public init(
        id: String, config: APNsConfig, httpClient: HTTPClient, ownsClient: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(HeraldError) {
        self.id = id
        self.config = config
        self.client = httpClient
        self.ownsClient = ownsClient
        self.now = now
        self.providerToken = try APNsProviderToken(config: config, now: now)
    }

    public func handles(address: String) -> Bool { address.hasPrefix(Self.addressPrefix) }

    public func shutdown() async {
        if ownsClient { try? await client.shutdown() }
    }

    public func send(_ message: OutboundMessage) async -> SendResult {
        guard case .push(let title, let body, let data) = message.content else {
            return SendResult(outcome: .permanent, error: "apns: message has no push content")
        }
        let payload = Self.payload(title: title, body: body, data: data)
        let addresses = message.addresses.filter(handles(address:))
        let outcomes = await PushFanout.each(addresses) { address in
            let token = String(address.dropFirst(Self.addressPrefix.count))
            return await send(payload, to: token, idempotencyKey: message.idempotencyKey)
        }
        return PushOutcomes.combine(Array(zip(addresses, outcomes)), channel: "apns")
    }

    /// Reaches APNs with a device token no app has: `BadDeviceToken` proves the key, team and topic are accepted.
    public func check() async -> ChannelCheck {
        let probe = await post(
            Self.payload(title: "", body: "", data: [:]), to: String(repeating: "0", count: 64), apnsId: nil)
        switch probe.outcome {
        case .sent, .invalidToken:
            return ChannelCheck(
                instance: id, ok: true, detail: "apns: reached \(config.baseURL), provider token accepted")
        case .retry(_, let reason), .permanent(let reason), .credentialRejected(let reason):
            return ChannelCheck(instance: id, ok: false, detail: reason)
        }
    }

    /// `{"aps": {"alert": {title, body}}}` with the job's data as top-level custom keys (`aps` is Apple's).
    static func payload(title: String, body: String, data: [String: String]) -> Data {
        var object: [String: Any] = data.filter { $0.key != "aps" }
        object["aps"] = ["alert": ["title": title, "body": body]]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// One device: an `ExpiredProviderToken` answer mints a new provider token and resends once.
    private func send(_ payload: Data, to token: String, idempotencyKey: String) async -> PushTokenOutcome {
        guard !token.isEmpty, token.allSatisfy(\.isHexDigit) else {
            return .invalidToken(reason: "apns: malformed device token")
        }
        let apnsId = APNsNotificationID.make(idempotencyKey: idempotencyKey, deviceToken: token)
        let first = await post(payload, to: token, apnsId: apnsId)
        guard case .credentialRejected(let reason) = first.outcome, let rejected = first.providerToken else {
            return first.outcome
        }
        guard await providerToken.expire(rejected) else { return .retry(after: nil, reason: reason) }
        let second = await post(payload, to: token, apnsId: apnsId)
        if case .credentialRejected(let reason) = second.outcome { return .retry(after: nil, reason: reason) }
        return second.outcome
    }

    private func post(_ payload: Data, to token: String, apnsId: String?) async -> (
        outcome: PushTokenOutcome, providerToken: String?
    ) {
        let bearer: String
        do {
            bearer = try await providerToken.token()
        } catch {
            return (.permanent(reason: error.reason), nil)
        }
        var headers = [
            ("authorization", "bearer \(bearer)"), ("apns-topic", config.topic), ("apns-push-type", "alert"),
            ("apns-priority", String(config.priority)), ("apns-expiration", expiration()),
            ("content-type", "application/json"),
        ]
        if let apnsId { headers.append(("apns-id", apnsId)) }
        let base = config.baseURL.hasSuffix("/") ? String(config.baseURL.dropLast()) : config.baseURL
        do {
            let response = try await PushHTTP.post(
                client, url: "\(base)/3/device/\(token)", headers: headers, body: payload,
                timeout: config.timeoutSeconds)
            return (response.apnsOutcome(now: now(), sentId: apnsId ?? ""), bearer)
        } catch {
            return (.retry(after: nil, reason: "apns \(PushHTTP.describe(error))"), bearer)
        }
    }

    private func expiration() -> String {
        guard config.expirationSeconds > 0 else { return "0" }
        return String(Int(now().timeIntervalSince1970) + config.expirationSeconds)
    }
}

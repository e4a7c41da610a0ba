import AsyncHTTPClient
import Foundation
import HeraldCore

/// Firebase Cloud Messaging over the HTTP v1 API, for `fcm:<registration token>` addresses.
public struct FCMDriver: ChannelDriver {
    public static let addressPrefix = "fcm:"

    public let id: String
    public var kind: ChannelKind { .push }
    private let config: FCMConfig
    private let projectId: String
    private let client: HTTPClient
    /// Whether `shutdown()` shuts `client` down (a per-instance client) or leaves it (a shared one).
    private let ownsClient: Bool
    private let accessTokens: FCMAccessTokenSource
    private let now: @Sendable () -> Date

    /// Throws `invalid_config` when the service account cannot be read or its key is not an RSA PEM key.
    public init(
        id: String, config: FCMConfig, httpClient: HTTPClient, ownsClient: Bool = false,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(HeraldError) {
        let account = try GoogleServiceAccount.resolve(config)
        self.id = id
        self.config = config
        self.projectId = account.projectId
        self.client = httpClient
        self.ownsClient = ownsClient
        self.now = now
        self.accessTokens = try FCMAccessTokenSource(
            account: account, client: httpClient, timeout: config.timeoutSeconds, now: now)
    }

    public func handles(address: String) -> Bool { address.hasPrefix(Self.addressPrefix) }

    public func shutdown() async {
        if ownsClient { try? await client.shutdown() }
    }

    public func send(_ message: OutboundMessage) async -> SendResult {
        guard case .push(let title, let body, let data) = message.content else {
            return SendResult(outcome: .permanent, error: "fcm: message has no push content")
        }
        let addresses = message.addresses.filter(handles(address:))
        let outcomes = await PushFanout.each(addresses) { address in
            await send(title: title, body: body, data: data, to: String(address.dropFirst(Self.addressPrefix.count)))
        }
        return PushOutcomes.combine(Array(zip(addresses, outcomes)), channel: "fcm")
    }

    public func check() async -> ChannelCheck {
        do {
            _ = try await accessTokens.token()
            return ChannelCheck(instance: id, ok: true, detail: "fcm: OAuth token obtained for project \(projectId)")
        } catch {
            return ChannelCheck(instance: id, ok: false, detail: error.reason)
        }
    }

    /// One token: a 401 drops the cached access token and resends once with a fresh one.
    private func send(title: String, body: String, data: [String: String], to token: String) async -> PushTokenOutcome {
        guard !token.isEmpty else { return .invalidToken(reason: "fcm: empty token") }
        let payload = FCMSendRequest(
            message: .init(token: token, notification: .init(title: title, body: body), data: data.isEmpty ? nil : data)
        )
        guard let json = try? JSONEncoder().encode(payload) else { return .permanent(reason: "fcm: cannot encode") }
        let first = await post(json)
        guard case .credentialRejected = first.outcome, let rejected = first.accessToken else { return first.outcome }
        await accessTokens.invalidate(rejected)
        let second = await post(json)
        if case .credentialRejected(let reason) = second.outcome { return .permanent(reason: reason) }
        return second.outcome
    }

    private func post(_ json: Data) async -> (outcome: PushTokenOutcome, accessToken: String?) {
        let accessToken: String
        do {
            accessToken = try await accessTokens.token()
        } catch {
            switch error {
            case .transient(let reason): return (.retry(after: nil, reason: reason), nil)
            case .permanent(let reason): return (.permanent(reason: reason), nil)
            }
        }
        let base = config.baseURL.hasSuffix("/") ? String(config.baseURL.dropLast()) : config.baseURL
        do {
            let response = try await PushHTTP.post(
                client, url: "\(base)/v1/projects/\(projectId)/messages:send",
                headers: [
                    ("authorization", "Bearer \(accessToken)"), ("content-type", "application/json; charset=utf-8"),
                ],
                body: json, timeout: config.timeoutSeconds)
            return (response.fcmOutcome(now: now()), accessToken)
        } catch {
            return (.retry(after: nil, reason: "fcm \(PushHTTP.describe(error))"), accessToken)
        }
    }
}

/// The v1 `messages:send` body: a notification for the system tray plus string data for the app.
struct FCMSendRequest: Encodable {
    struct Message: Encodable {
        struct Notification: Encodable {
            var title: String
            var body: String
        }
        var token: String
        var notification: Notification
        var data: [String: String]?
    }
    var message: Message
}

extension PushCredentialError {
    var reason: String {
        switch self {
        case .transient(let reason), .permanent(let reason): reason
        }
    }
}

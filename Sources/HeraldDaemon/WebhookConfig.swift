import Foundation
import HeraldCore

/// One entry of `webhooks:` in the config file (README "Status webhooks").
public struct WebhookConfig: Sendable, Codable {
    public var id: String
    public var url: String
    /// The `whsec_…` secret comes from an environment variable or a file, never from the config itself.
    public var secretEnv: String?
    public var secretFile: String?
    /// Event types to receive; all of them when absent.
    public var events: [String]?
    public var filter: Filter?
    public var batch: Int?
    public var timeoutSeconds: Double?
    public var retryHorizonHours: Double?
    public var backoffInitialSeconds: Double?
    public var backoffMaxSeconds: Double?
    public var breakerCooldownSeconds: Double?

    public struct Filter: Sendable, Codable {
        public var purpose: [Purpose]?
        public var channel: [ChannelKind]?
        public var callbackOnly: Bool?

        enum CodingKeys: String, CodingKey {
            case purpose, channel
            case callbackOnly = "callback_only"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, url, events, filter, batch
        case secretEnv = "secret_env"
        case secretFile = "secret_file"
        case timeoutSeconds = "timeout_seconds"
        case retryHorizonHours = "retry_horizon_hours"
        case backoffInitialSeconds = "backoff_initial_seconds"
        case backoffMaxSeconds = "backoff_max_seconds"
        case breakerCooldownSeconds = "breaker_cooldown_seconds"
    }

    /// How long a failed event is retried before it is parked (`retry_horizon_hours`, default 24).
    public var retryHorizon: TimeInterval { (retryHorizonHours ?? 24) * 3600 }

    /// The endpoint with its secret read and every value checked; `config_invalid` names the field.
    public func endpoint(index: Int, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> WebhookEndpoint
    {
        let field = "webhooks[\(index)]"
        // It appears in URL paths (`/v1/webhooks/{id}`) and metric labels.
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...64).contains(id.count), id.allSatisfy(allowed.contains) else {
            throw HeraldError(
                code: "config_invalid", message: "webhook id must be 1–64 of A–Z a–z 0–9 . _ -", field: field + ".id")
        }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
            parsed.host != nil
        else {
            throw HeraldError(code: "config_invalid", message: "webhook url must be http(s)://host/…", field: field + ".url")
        }
        var options: [String: String] = [:]
        options["secret_env"] = secretEnv
        options["secret_file"] = secretFile
        guard let secret = try Secrets.optional("secret", in: options, field: field + ".secret", environment: environment)
        else { throw HeraldError(code: "secret_missing", message: "set secret_env or secret_file", field: field + ".secret") }
        var types = Set(WebhookEventType.allCases)
        if let events {
            types = []
            for name in events {
                guard let type = WebhookEventType(rawValue: name) else {
                    throw HeraldError(
                        code: "config_invalid", message: "unknown webhook event type \(name)", field: field + ".events")
                }
                types.insert(type)
            }
        }
        let batch = self.batch ?? 100
        guard (1...1000).contains(batch) else {
            throw HeraldError(code: "config_invalid", message: "batch must be 1…1000", field: field + ".batch")
        }
        guard retryHorizon > 0, (timeoutSeconds ?? 10) > 0 else {
            throw HeraldError(
                code: "config_invalid", message: "timeout and retry horizon must be positive", field: field)
        }
        return WebhookEndpoint(
            id: id, url: url, signer: try StandardWebhookSigner(secret: secret, field: field + ".secret"), events: types,
            purposes: filter?.purpose.map(Set.init), channels: filter?.channel.map { Set($0.map(\.rawValue)) },
            callbackOnly: filter?.callbackOnly ?? false, batch: batch, timeout: timeoutSeconds ?? 10,
            retryHorizon: retryHorizon, backoffInitial: backoffInitialSeconds ?? 5,
            backoffMax: backoffMaxSeconds ?? 3600, breakerCooldown: breakerCooldownSeconds ?? 30)
    }
}

extension LoadedConfig {
    /// Every configured endpoint, resolved; ids must be unique.
    public func webhookEndpoints(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> [WebhookEndpoint]
    {
        let endpoints = try (config.webhooks ?? []).enumerated().map {
            try $1.endpoint(index: $0, environment: environment)
        }
        var seen = Set<String>()
        for endpoint in endpoints where !seen.insert(endpoint.id).inserted {
            throw HeraldError(code: "config_invalid", message: "webhook id \(endpoint.id) is used twice", field: "webhooks")
        }
        return endpoints
    }
}

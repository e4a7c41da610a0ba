import Foundation
import HeraldCore
import HeraldPolicy
import Yams

/// The `rights:` and `retention:` sections, decoded from the same YAML the rest of the config came from.
///
/// ```yaml
/// rights:
///   block_erased_addresses: true      # keep erased addresses blocked for marketing, as keyed hashes
///   address_key_file: /run/secrets/herald-erased-address-key   # or address_key_env; else generated
/// retention:
///   deliveries: 90d
///   attempts: 30d
///   traces: 30d
///   webhook_events: 30d               # default 30d when `webhooks:` names an endpoint
///   bounces: 90d                      # the bounce log; at least every soft_bounce_window
///   batch_size: 500
/// ```
public enum RightsSettings {
    struct RightsSection: Decodable {
        var blockErasedAddresses: Bool?
        var addressKeyEnv: String?
        var addressKeyFile: String?

        enum CodingKeys: String, CodingKey {
            case blockErasedAddresses = "block_erased_addresses"
            case addressKeyEnv = "address_key_env"
            case addressKeyFile = "address_key_file"
        }
    }

    struct RetentionSection: Decodable {
        var deliveries: String?
        var attempts: String?
        var traces: String?
        var webhookEvents: String?
        var bounces: String?
        var batchSize: Int?

        enum CodingKeys: String, CodingKey {
            case deliveries, attempts, traces, bounces
            case webhookEvents = "webhook_events"
            case batchSize = "batch_size"
        }
    }

    private struct Sections: Decodable {
        var rights: RightsSection?
        var retention: RetentionSection?
    }

    public static func erasure(
        _ loaded: LoadedConfig, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ErasureSettings {
        guard let rights = try sections(loaded).rights, rights.blockErasedAddresses == true else {
            return ErasureSettings()
        }
        var options: [String: String] = [:]
        options["address_key_env"] = rights.addressKeyEnv
        options["address_key_file"] = rights.addressKeyFile
        if let key = try Secrets.optional("address_key", in: options, field: "rights.address_key", environment: environment) {
            return ErasureSettings(blockedAddressKey: Array(key.utf8))
        }
        return ErasureSettings(
            blockedAddressKey: try Secrets.generatedSecret(named: "erased-address.key", in: loaded.dataDirectory))
    }

    public static func retention(_ loaded: LoadedConfig) throws -> RetentionPolicy {
        let section = try sections(loaded).retention ?? RetentionSection()
        func age(_ text: String?, _ field: String) throws -> TimeInterval? {
            guard let text else { return nil }
            guard let duration = PolicyDuration(parsing: text), duration.seconds > 0 else {
                throw HeraldError.invalid("retention.\(field)", "must be a duration such as 90d or 12h", code: "config_invalid")
            }
            return duration.seconds
        }
        let batchSize = section.batchSize ?? 500
        guard (1...10_000).contains(batchSize) else {
            throw HeraldError.invalid("retention.batch_size", "must be 1–10000", code: "config_invalid")
        }
        let policy = RetentionPolicy(
            deliveries: try age(section.deliveries, "deliveries"), attempts: try age(section.attempts, "attempts"),
            traces: try age(section.traces, "traces"),
            webhookEvents: try webhookEventsAge(try age(section.webhookEvents, "webhook_events"), loaded),
            bounces: try age(section.bounces, "bounces"), batchSize: batchSize)
        // Pruning a delivery also forgets its send in the cap counters: keeping deliveries for less than the
        // longest cap window would let a capped contact be messaged again.
        let capLookback = try PolicySettings.rules(loaded).capLookback
        if let deliveries = policy.deliveries, deliveries < capLookback {
            throw HeraldError.invalid(
                "retention.deliveries", "must be at least the longest cap window (\(PolicyDuration(seconds: capLookback)))",
                code: "config_invalid")
        }
        // Soft bounces are counted from the log: pruning inside a channel's window would let an address that
        // keeps soft-bouncing never reach its threshold.
        let softWindow = try (loaded.config.channels ?? []).filter { $0.kind == .email }
            .map { try BounceSettings.softBounceRule($0).window }.max() ?? SoftBounceRule.standard.window
        if let bounces = policy.bounces, bounces < softWindow {
            throw HeraldError.invalid(
                "retention.bounces", "must be at least the longest soft_bounce_window (\(PolicyDuration(seconds: softWindow)))",
                code: "config_invalid")
        }
        return policy
    }

    private static let defaultWebhookEventsAge: TimeInterval = 30 * 86_400

    /// With endpoints configured the event log is pruned even when `retention:` does not say so: the outbox
    /// must not grow without bound. Not shorter than the retry horizon: the store already keeps every event a
    /// retry names, and this also keeps whole, for a replay by time range, the period an endpoint may still be
    /// failing in.
    private static func webhookEventsAge(_ configured: TimeInterval?, _ loaded: LoadedConfig) throws -> TimeInterval? {
        let endpoints = loaded.config.webhooks ?? []
        let horizon = endpoints.map(\.retryHorizon).max() ?? 0
        guard let configured else { return endpoints.isEmpty ? nil : max(defaultWebhookEventsAge, horizon) }
        guard configured >= horizon else {
            throw HeraldError.invalid(
                "retention.webhook_events",
                "must be at least the longest webhook retry horizon (\(PolicyDuration(seconds: horizon)))",
                code: "config_invalid")
        }
        return configured
    }

    private static func sections(_ loaded: LoadedConfig) throws -> Sections {
        guard !loaded.yaml.isEmpty else { return Sections() }
        do {
            return try YAMLDecoder().decode(Sections.self, from: loaded.yaml)
        } catch {
            throw HeraldError(code: "config_invalid", message: "rights or retention: \(ConfigErrors.describe(error))")
        }
    }
}

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
        var batchSize: Int?

        enum CodingKeys: String, CodingKey {
            case deliveries, attempts, traces
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
        guard let section = try sections(loaded).retention else { return RetentionPolicy() }
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
            traces: try age(section.traces, "traces"), batchSize: batchSize)
        // Pruning a delivery also forgets its send in the cap counters: keeping deliveries for less than the
        // longest cap window would let a capped contact be messaged again.
        let capLookback = try PolicySettings.rules(loaded).capLookback
        if let deliveries = policy.deliveries, deliveries < capLookback {
            throw HeraldError.invalid(
                "retention.deliveries", "must be at least the longest cap window (\(PolicyDuration(seconds: capLookback)))",
                code: "config_invalid")
        }
        return policy
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

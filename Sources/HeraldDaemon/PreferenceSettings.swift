import Foundation
import HeraldCore
import HeraldPolicy
import Yams

/// The `topics:` and `preferences:` sections, decoded from the same YAML as the rest of the config.
public enum PreferenceSettings {
    private struct Sections: Decodable {
        var topics: [Topic]?
        var preferences: PreferencesSection?
    }

    /// Where the preference-link keys come from. A secret is never inline: `secret_env`/`secret_file` for the
    /// signing key, `previous_secret_env`/`previous_secret_file` for the key it replaced (still accepted).
    struct PreferencesSection: Decodable {
        var secretEnv: String?
        var secretFile: String?
        var previousSecretEnv: String?
        var previousSecretFile: String?
        var linkTtl: PolicyDuration?

        enum CodingKeys: String, CodingKey {
            case secretEnv = "secret_env"
            case secretFile = "secret_file"
            case previousSecretEnv = "previous_secret_env"
            case previousSecretFile = "previous_secret_file"
            case linkTtl = "link_ttl"
        }
    }

    public static func topics(_ loaded: LoadedConfig) throws -> TopicCatalog {
        try TopicCatalog(sections(loaded).topics ?? [])
    }

    /// The signing key from env or file, else one generated once in the data directory (mode 0600).
    public static func keys(
        _ loaded: LoadedConfig, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PreferenceKeys {
        let section = try sections(loaded).preferences
        var options: [String: String] = [:]
        options["secret_env"] = section?.secretEnv
        options["secret_file"] = section?.secretFile
        options["previous_secret_env"] = section?.previousSecretEnv
        options["previous_secret_file"] = section?.previousSecretFile
        let current =
            try Secrets.optional("secret", in: options, field: "preferences.secret", environment: environment)
            .map { Array($0.utf8) } ?? Secrets.generatedSecret(named: "preferences.secret", in: loaded.dataDirectory)
        let previous = try Secrets.optional(
            "previous_secret", in: options, field: "preferences.previous_secret", environment: environment)
        let lifetime = section?.linkTtl?.seconds ?? PreferenceKeys.defaultLinkLifetime
        guard lifetime > 0 else {
            throw HeraldError(code: "config_invalid", message: "link_ttl must be longer than 0", field: "preferences.link_ttl")
        }
        return PreferenceKeys(current: current, previous: previous.map { Array($0.utf8) }, linkLifetime: lifetime)
    }

    private static func sections(_ loaded: LoadedConfig) throws -> Sections {
        guard !loaded.yaml.isEmpty else { return Sections() }
        do {
            return try YAMLDecoder().decode(Sections.self, from: loaded.yaml)
        } catch {
            throw HeraldError(code: "config_invalid", message: "topics or preferences: \(ConfigErrors.describe(error))")
        }
    }
}

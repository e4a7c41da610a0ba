import Foundation
import HeraldChannels
import HeraldCore

/// The bounce options of an `email` channel (`options:` of an smtp instance):
/// `bounce_domain` (turns VERP return paths on), `bounce_secret_env`/`_file` (the VERP key; else one
/// generated once in the data folder, mode 0600), `soft_bounce_threshold` (default 3) and
/// `soft_bounce_window` (`7d`, `48h`…; default 7 days).
enum BounceSettings {
    static func returnPath(_ config: ChannelConfig, loaded: LoadedConfig) throws -> SMTPReturnPath? {
        let options = config.options ?? [:]
        guard let domain = options["bounce_domain"] else { return nil }
        guard !domain.isEmpty, !domain.contains("@"), !domain.contains(where: \.isWhitespace) else {
            throw HeraldError.invalid("channels.\(config.id).options.bounce_domain", "must be a domain name such as bounces.example.com")
        }
        return SMTPReturnPath(signer: try signer(config, loaded: loaded), bounceDomain: domain)
    }

    /// The VERP key. Every email channel shares the generated one; a configured one is per channel.
    static func signer(
        _ config: ChannelConfig, loaded: LoadedConfig, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> VERPSigner {
        let options = config.options ?? [:]
        if let secret = try Secrets.optional(
            "bounce_secret", in: options, field: "channels.\(config.id).options.bounce_secret", environment: environment)
        {
            return VERPSigner(secret: Array(secret.utf8))
        }
        return VERPSigner(secret: try Secrets.generatedSecret(named: "verp.secret", in: loaded.dataDirectory))
    }

    static func softBounceRule(_ config: ChannelConfig) throws -> SoftBounceRule {
        let options = config.options ?? [:]
        let field = "channels.\(config.id).options"
        var rule = SoftBounceRule.standard
        if let text = options["soft_bounce_threshold"] {
            guard let threshold = Int(text), threshold >= 1 else {
                throw HeraldError.invalid("\(field).soft_bounce_threshold", "must be a whole number of at least 1")
            }
            rule.threshold = threshold
        }
        if let text = options["soft_bounce_window"] {
            guard let window = duration(text), window > 0 else {
                throw HeraldError.invalid("\(field).soft_bounce_window", "must be a duration such as 7d, 48h or 90m")
            }
            rule.window = window
        }
        return rule
    }

    /// `90s`, `30m`, `48h`, `7d`.
    static func duration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let amount = Double(text.dropLast()), amount.isFinite else { return nil }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        case "d": return amount * 86_400
        default: return nil
        }
    }
}

import Foundation
import HeraldCore
import Yams

/// How one ESP reports bounces and complaints by webhook (`channels/<id>/events.yaml`): where the events
/// are in a post, how each becomes a hard bounce, a soft bounce or a complaint, and how the post is
/// authenticated. Adding an ESP is a new file, not new Swift code.
public struct EmailEventProfile: Codable, Sendable, Hashable {
    public enum Outcome: String, Codable, Sendable, Hashable {
        case hardBounce = "hard_bounce"
        case softBounce = "soft_bounce"
        case complaint
        case ignore
    }

    /// One classification rule: every `when` path must hold one of its values; the first rule that matches wins.
    public struct Rule: Codable, Sendable, Hashable {
        public var when: [String: OneOrMany]
        public var outcome: Outcome
        /// Path to the recipient(s); `*` walks every element of an array.
        public var recipients: String?
        /// Path to the status (an enhanced status code, a bounce type).
        public var status: String?
    }

    /// A YAML scalar or a list of them.
    public struct OneOrMany: Codable, Sendable, Hashable {
        public var values: [String]

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([String].self) {
                values = list
            } else {
                values = [try container.decode(String.self)]
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(values)
        }
    }

    /// How the post proves it came from the ESP.
    public enum Authentication: String, Codable, Sendable, Hashable {
        /// Only the channel's inbound secret (`?secret=` or `X-Herald-Secret`).
        case secret
        /// Amazon SNS message signatures (SignatureVersion 1 and 2), certificate from an SNS host.
        case sns
        /// Mailgun's `signature` object: HMAC-SHA256(signing key, timestamp + token), hex.
        case mailgun
    }

    public var id: String
    public var description: String?
    public var authentication: Authentication
    /// Path to a JSON string that holds the event itself (SNS wraps the SES notification in `Message`).
    public var unwrap: String?
    /// Path to the list of events when one post carries many (`$` for a body that is a JSON array).
    public var items: String?
    /// Path to the original message's Message-ID, to match the delivery.
    public var messageId: String?
    public var rules: [Rule]
    /// Named recipient path used by rules without their own.
    public var recipients: String?

    enum CodingKeys: String, CodingKey {
        case id, description, authentication, unwrap, items, rules, recipients
        case messageId = "message_id"
    }

    public static func parse(yaml: String, file: String) throws -> EmailEventProfile {
        do {
            let profile = try YAMLDecoder().decode(EmailEventProfile.self, from: yaml)
            guard !profile.rules.isEmpty else {
                throw HeraldError(code: "invalid_profile", message: "\(file): rules must not be empty", field: "\(file): rules")
            }
            return profile
        } catch let error as HeraldError {
            throw error
        } catch {
            throw HeraldError(code: "invalid_profile", message: "\(file): \(error)", field: file)
        }
    }
}

/// ESP event profiles by id: the built-in ones (`channels/*/events.yaml`, compiled in), and those of a
/// `profiles_dir` folder (`<id>/events.yaml`), which add to or override them.
public enum EmailEventCatalog {
    public static func builtIn() throws -> [String: EmailEventProfile] {
        var profiles: [String: EmailEventProfile] = [:]
        for file in BuiltInProfiles.eventFiles {
            let profile = try EmailEventProfile.parse(yaml: file.yaml, file: "\(file.id)/events.yaml (built-in)")
            profiles[profile.id] = profile
        }
        return profiles
    }

    /// The built-in profiles with those of `directory` (when given) added or put in their place.
    public static func standard(overrides directory: URL?) throws -> [String: EmailEventProfile] {
        var profiles = try builtIn()
        guard let directory else { return profiles }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for entry in entries.sorted() {
            let file = directory.appendingPathComponent(entry).appendingPathComponent("events.yaml")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            let profile = try EmailEventProfile.parse(yaml: text, file: "\(entry)/events.yaml")
            guard profile.id == entry else {
                throw HeraldError(
                    code: "invalid_profile", message: "\(entry)/events.yaml: id must match its folder",
                    field: "\(entry)/events.yaml: id")
            }
            profiles[profile.id] = profile
        }
        return profiles
    }

    public static func profile(_ id: String, overrides directory: URL? = nil) throws -> EmailEventProfile {
        guard let profile = try standard(overrides: directory)[id] else {
            throw HeraldError(code: "config_invalid", message: "no ESP event profile named \(id)", field: "events_profile")
        }
        return profile
    }
}

import Foundation
import HeraldCore

/// What to do when a contact's zone is neither stored nor inferable from the phone.
public enum UnknownTimezonePolicy: String, Codable, Sendable, Hashable {
    /// Use the configured `defaults.timezone`.
    case `default`
    /// Suppress the delivery as `no_timezone`.
    case hold
}

/// Everything the compliance policy is configured with: the `defaults:` and `policy:` sections.
///
/// Decodes from a document holding those two top-level keys (the daemon's whole config works),
/// or build it from the two sections with `init(defaults:policy:)`.
public struct PolicyRules: Sendable, Hashable {
    /// The configured fallback zone, used when `unknownTimezone` is `.default`.
    public var defaultTimezone: String
    public var unknownTimezone: UnknownTimezonePolicy
    public var quietHours: [QuietHoursRule]
    public var caps: [CapRule]
    public var smsMaxSegments: Int

    public init(
        defaultTimezone: String = "UTC", unknownTimezone: UnknownTimezonePolicy = .default,
        quietHours: [QuietHoursRule] = [], caps: [CapRule] = [], smsMaxSegments: Int = 10
    ) {
        self.defaultTimezone = defaultTimezone
        self.unknownTimezone = unknownTimezone
        self.quietHours = quietHours
        self.caps = caps
        self.smsMaxSegments = smsMaxSegments
    }

    /// The rules a configuration gives. A rule list the `policy:` section leaves out (or no section at all)
    /// gets the strict default; an explicit empty list turns that rule off. (`PolicyRules()` is no rules at
    /// all: what code and tests build by hand.)
    public init(defaults: DefaultsSection, policy: PolicySection) {
        self.init(
            defaultTimezone: defaults.timezone ?? "UTC", unknownTimezone: defaults.unknownTimezone ?? .default,
            quietHours: policy.quietHours ?? Self.strictQuietHours, caps: policy.caps ?? Self.strictCaps,
            smsMaxSegments: policy.sms?.maxSegments ?? 10)
    }

    /// SPEC §3: without configuration marketing is quiet 21:00–08:00 in the contact's local time (the TCPA
    /// window)…
    public static let strictQuietHours = [
        QuietHoursRule(purpose: .marketing, channel: "*", start: LocalClockTime(hour: 21, minute: 0), end: LocalClockTime(hour: 8, minute: 0))
    ]
    /// …and capped at 3 messages per contact per 24 h across channels.
    public static let strictCaps = [CapRule(purpose: .marketing, channel: "*", max: 3, per: PolicyDuration(seconds: 86_400))]

    /// One line per rule in force, for the start-up log.
    public var summary: [String] {
        let quiet = quietHours.isEmpty ? ["quiet hours: none"] : quietHours.map { "quiet hours: \($0.summary)" }
        let capped = caps.isEmpty ? ["caps: none"] : caps.map { "cap: \($0.summary)" }
        return quiet + capped
    }

    public var defaults: DefaultsSection {
        DefaultsSection(timezone: defaultTimezone, unknownTimezone: unknownTimezone)
    }

    public var policy: PolicySection {
        PolicySection(quietHours: quietHours, caps: caps, sms: .init(maxSegments: smsMaxSegments))
    }

    /// How far back sends must be loaded: the longest cap window (0 without caps).
    public var capLookback: TimeInterval { caps.map(\.per.seconds).max() ?? 0 }
}

extension PolicyRules: Codable {
    private enum CodingKeys: String, CodingKey {
        case defaults, policy
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            defaults: try c.decodeIfPresent(DefaultsSection.self, forKey: .defaults) ?? DefaultsSection(),
            policy: try c.decodeIfPresent(PolicySection.self, forKey: .policy) ?? PolicySection())
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(defaults, forKey: .defaults)
        try c.encode(policy, forKey: .policy)
    }
}

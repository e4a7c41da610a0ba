import Foundation
import HeraldCore

/// The `defaults:` section of the configuration (only the keys the policy reads).
public struct DefaultsSection: Codable, Sendable, Hashable {
    /// An IANA zone; decoding rejects one Foundation does not know.
    public var timezone: String?
    public var unknownTimezone: UnknownTimezonePolicy?

    public init(timezone: String? = nil, unknownTimezone: UnknownTimezonePolicy? = nil) {
        self.timezone = timezone
        self.unknownTimezone = unknownTimezone
    }

    private enum CodingKeys: String, CodingKey {
        case timezone
        case unknownTimezone = "unknown_timezone"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        timezone = try c.decodeIfPresent(String.self, forKey: .timezone)
        unknownTimezone = try c.decodeIfPresent(UnknownTimezonePolicy.self, forKey: .unknownTimezone)
        if let timezone, IANATimeZone.zone(timezone) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .timezone, in: c, debugDescription: "unknown IANA time zone \"\(timezone)\"")
        }
    }
}

/// The `policy:` section of the configuration.
public struct PolicySection: Codable, Sendable, Hashable {
    public struct SMS: Codable, Sendable, Hashable {
        public var maxSegments: Int?

        public init(maxSegments: Int? = nil) { self.maxSegments = maxSegments }

        private enum CodingKeys: String, CodingKey {
            case maxSegments = "max_segments"
        }
    }

    public var quietHours: [QuietHoursRule]?
    public var caps: [CapRule]?
    public var sms: SMS?

    public init(quietHours: [QuietHoursRule]? = nil, caps: [CapRule]? = nil, sms: SMS? = nil) {
        self.quietHours = quietHours
        self.caps = caps
        self.sms = sms
    }

    private enum CodingKeys: String, CodingKey {
        case quietHours = "quiet_hours"
        case caps, sms
    }
}

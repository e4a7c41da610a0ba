import HeraldCore

/// A rolling frequency cap per contact: at most `max` sends of a purpose (and topic) on a channel
/// kind or "*" within any `per` window; beyond it the delivery is dropped or deferred.
public struct CapRule: Sendable, Hashable {
    public enum OnExceed: String, Codable, Sendable, Hashable {
        case drop
        case `defer`
    }

    public var purpose: Purpose
    /// Only sends of this topic count and only jobs of this topic are capped; nil means any topic.
    public var topic: String?
    /// A channel kind, or "*" for every channel.
    public var channel: String
    public var max: Int
    public var per: PolicyDuration
    public var onExceed: OnExceed

    public init(
        purpose: Purpose, topic: String? = nil, channel: String = "*", max: Int, per: PolicyDuration,
        onExceed: OnExceed = .drop
    ) {
        self.purpose = purpose
        self.topic = topic
        self.channel = channel
        self.max = max
        self.per = per
        self.onExceed = onExceed
    }

    /// Whether this rule caps a delivery (or counts a past send) of this purpose, topic and kind.
    func matches(purpose: Purpose, topic: String?, channel kind: ChannelKind) -> Bool {
        self.purpose == purpose && (self.topic == nil || self.topic == topic)
            && (channel == "*" || channel == kind.rawValue)
    }

    var summary: String {
        "\(purpose.rawValue)\(topic.map { "/\($0)" } ?? "") on \(channel): \(max) per \(per), \(onExceed.rawValue)"
    }
}

extension CapRule: Codable {
    private enum CodingKeys: String, CodingKey {
        case purpose, topic, channel, max, per
        case onExceed = "on_exceed"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        purpose = try c.decode(Purpose.self, forKey: .purpose)
        topic = try c.decodeIfPresent(String.self, forKey: .topic)
        channel = try c.decodeIfPresent(String.self, forKey: .channel) ?? "*"
        max = try c.decode(Int.self, forKey: .max)
        per = try c.decode(PolicyDuration.self, forKey: .per)
        onExceed = try c.decodeIfPresent(OnExceed.self, forKey: .onExceed) ?? .drop
        guard channel == "*" || ChannelKind(rawValue: channel) != nil else {
            throw DecodingError.dataCorruptedError(
                forKey: .channel, in: c, debugDescription: "channel must be \"*\" or a channel kind, got \"\(channel)\""
            )
        }
        guard max >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .max, in: c, debugDescription: "max cannot be negative")
        }
        if topic == "*" { topic = nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(purpose, forKey: .purpose)
        try c.encodeIfPresent(topic, forKey: .topic)
        try c.encode(channel, forKey: .channel)
        try c.encode(max, forKey: .max)
        try c.encode(per, forKey: .per)
        try c.encode(onExceed, forKey: .onExceed)
    }
}

import HeraldCore

/// A send window: no sending between `start` and `end` local time (wrapping midnight when
/// `start` > `end`), and only on `weekdays`. Applies to one purpose and a channel kind or "*".
public struct QuietHoursRule: Sendable, Hashable {
    public var purpose: Purpose
    /// A channel kind, or "*" for every channel.
    public var channel: String
    /// Quiet from here (inclusive)…
    public var start: LocalClockTime?
    /// …to here (exclusive). Equal bounds, or none, mean no quiet period.
    public var end: LocalClockTime?
    /// Days sending is allowed; nil means every day.
    public var weekdays: WeekdaySet?

    public init(
        purpose: Purpose, channel: String = "*", start: LocalClockTime? = nil, end: LocalClockTime? = nil,
        weekdays: WeekdaySet? = nil
    ) {
        self.purpose = purpose
        self.channel = channel
        self.start = start
        self.end = end
        self.weekdays = weekdays
    }

    func applies(to purpose: Purpose, channel kind: ChannelKind) -> Bool {
        self.purpose == purpose && (channel == "*" || channel == kind.rawValue)
    }

    /// Whether sending is allowed at a local wall-clock second of day on an ISO weekday (0 = Monday).
    func isOpen(secondOfDay: Double, weekday: Int) -> Bool {
        if let weekdays, !weekdays.contains(isoIndex: weekday) { return false }
        guard let start, let end, start != end else { return true }
        let from = Double(start.secondsOfDay)
        let to = Double(end.secondsOfDay)
        let quiet = from < to ? (secondOfDay >= from && secondOfDay < to) : (secondOfDay >= from || secondOfDay < to)
        return !quiet
    }

    /// Local wall-clock seconds of day at which this rule can turn from closed to open.
    var openingSecondsOfDay: [Int] {
        var openings = [0]
        if let end, let start, start != end, end.secondsOfDay != 0 { openings.append(end.secondsOfDay) }
        return openings
    }

    var summary: String {
        var text = "\(purpose.rawValue) on \(channel)"
        if let start, let end, start != end { text += " quiet \(start)–\(end)" }
        if let weekdays, weekdays != .all { text += " days " + weekdays.names.joined(separator: ",") }
        return text
    }
}

extension QuietHoursRule: Codable {
    private enum CodingKeys: String, CodingKey {
        case purpose, channel, start, end, weekdays
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        purpose = try c.decode(Purpose.self, forKey: .purpose)
        channel = try c.decodeIfPresent(String.self, forKey: .channel) ?? "*"
        start = try c.decodeIfPresent(LocalClockTime.self, forKey: .start)
        end = try c.decodeIfPresent(LocalClockTime.self, forKey: .end)
        weekdays = try c.decodeIfPresent(WeekdaySet.self, forKey: .weekdays)
        guard channel == "*" || ChannelKind(rawValue: channel) != nil else {
            throw DecodingError.dataCorruptedError(
                forKey: .channel, in: c, debugDescription: "channel must be \"*\" or a channel kind, got \"\(channel)\""
            )
        }
        guard (start == nil) == (end == nil) else {
            throw DecodingError.dataCorruptedError(
                forKey: .end, in: c, debugDescription: "quiet hours need both start and end")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(purpose, forKey: .purpose)
        try c.encode(channel, forKey: .channel)
        try c.encodeIfPresent(start, forKey: .start)
        try c.encodeIfPresent(end, forKey: .end)
        try c.encodeIfPresent(weekdays, forKey: .weekdays)
    }
}

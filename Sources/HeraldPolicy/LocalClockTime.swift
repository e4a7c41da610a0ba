/// A wall-clock time of day, "HH:mm", as job `local_time` and quiet-hours bounds are written.
public struct LocalClockTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses "H:mm" or "HH:mm" (24-hour); anything else is nil, so intake can reject it.
    public init?(parsing text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            let hour = Self.number(parts[0]), let minute = Self.number(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    /// Seconds after local midnight on the wall clock.
    public var secondsOfDay: Int { hour * 3600 + minute * 60 }

    public var description: String { Self.twoDigits(hour) + ":" + Self.twoDigits(minute) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.secondsOfDay < rhs.secondsOfDay }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func number(_ digits: Substring.UTF8View.SubSequence) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

extension LocalClockTime: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = LocalClockTime(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a 24-hour time \"HH:mm\", got \"\(text)\"")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

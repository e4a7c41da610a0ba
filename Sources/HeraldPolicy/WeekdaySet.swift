/// Days of the week on which sending is allowed, in the contact's local calendar.
public struct WeekdaySet: Sendable, Hashable, OptionSet {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x7F }

    /// Short names in ISO order: index 0 is Monday.
    public static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let longNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    public static let all = WeekdaySet(rawValue: 0x7F)

    /// The day with ISO index `index` (0 = Monday … 6 = Sunday).
    public init(isoIndex index: Int) { self.init(rawValue: 1 << UInt8(index)) }

    /// Accepts "mon" or "monday" in any case.
    public init?(name: String) {
        let lowered = name.lowercased()
        guard let index = Self.names.firstIndex(of: lowered) ?? Self.longNames.firstIndex(of: lowered) else {
            return nil
        }
        self.init(isoIndex: index)
    }

    public func contains(isoIndex index: Int) -> Bool { rawValue & (1 << UInt8(index)) != 0 }

    public var names: [String] { (0..<7).filter { contains(isoIndex: $0) }.map { Self.names[$0] } }
}

extension WeekdaySet: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        var set = WeekdaySet()
        for name in try container.decode([String].self) {
            guard let day = WeekdaySet(name: name) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "unknown weekday \"\(name)\" (use mon, tue, … sun)")
            }
            set.insert(day)
        }
        self = set
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(names)
    }
}

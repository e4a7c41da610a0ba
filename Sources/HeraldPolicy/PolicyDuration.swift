import Foundation

/// A span of time as configuration writes it: "24h", "30m", "7d", "3600s", "1h30m", or plain seconds.
/// (Not named `Duration` so it never shadows the standard library's type.)
public struct PolicyDuration: Sendable, Hashable, CustomStringConvertible {
    public let seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// One or more `<digits><unit>` parts, unit one of w d h m s; bare digits mean seconds.
    public init?(parsing text: String) {
        let units: [Character: Double] = ["w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1]
        var total = 0.0
        var digits = ""
        var sawPart = false
        for character in text.trimmingCharacters(in: .whitespaces) {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let unit = units[character], let value = Double(digits) {
                total += value * unit
                digits = ""
                sawPart = true
            } else {
                return nil
            }
        }
        if !digits.isEmpty {
            guard !sawPart, let value = Double(digits) else { return nil }
            total = value
        } else if !sawPart {
            return nil
        }
        self.seconds = total
    }

    public var description: String {
        let whole = Int(seconds)
        guard Double(whole) == seconds, whole > 0 else { return "\(seconds)s" }
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] where whole % size == 0 {
            return "\(whole / size)\(unit)"
        }
        return "\(whole)s"
    }
}

extension PolicyDuration: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            guard number >= 0 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a duration cannot be negative")
            }
            self.init(seconds: number)
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = PolicyDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a duration like \"24h\", \"30m\", \"7d\", got \"\(text)\"")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

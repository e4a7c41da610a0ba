import Foundation

extension Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` as RFC 3339 writes it, offset applied. Foundation's ISO 8601
    /// strategy with a time but no zone part read `12:00:00+03:30` as 12:00 UTC, and took `+25:00`, `+0330`,
    /// `24:00:00` and no offset at all. The fraction is kept to the millisecond, as every store keeps time
    /// (rounding `.9999` would have moved it to the next second). A leap second (`:60`) reads as the next one.
    static func parseRFC3339(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, year1To9999(bytes), hasRealCalendarDay(text) else { return nil }
        var reader = DigitReader(bytes: bytes, at: 0)
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
            let day = reader.number(2), reader.skip("T") || reader.skip("t"),
            let hour = reader.number(2), hour <= 23, reader.skip(":"),
            let minute = reader.number(2), minute <= 59, reader.skip(":"),
            let second = reader.number(2), second <= 60
        else { return nil }
        var milliseconds = 0
        if reader.skip(".") {
            guard let (value, digits) = reader.fraction() else { return nil }
            milliseconds = digits >= 3 ? value : value * [100, 10, 1][digits - 1]
        }
        let offsetSeconds: Int
        if reader.skip("Z") || reader.skip("z") {
            offsetSeconds = 0
        } else {
            let sign = reader.skip("+") ? 1 : reader.skip("-") ? -1 : 0
            guard sign != 0, let hours = reader.number(2), hours <= 23, reader.skip(":"), let minutes = reader.number(2),
                minutes <= 59
            else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        guard reader.atEnd else { return nil }
        let seconds = CivilCalendar.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds * 1000 + milliseconds) / 1000)
    }

    private static func year1To9999(_ bytes: [UInt8]) -> Bool {
        bytes[0..<4] != [UInt8(ascii: "0"), UInt8(ascii: "0"), UInt8(ascii: "0"), UInt8(ascii: "0")]
    }

    private struct DigitReader {
        let bytes: [UInt8]
        var at: Int

        var atEnd: Bool { at == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard at < bytes.count, bytes[at] == UInt8(ascii: character) else { return false }
            at += 1
            return true
        }

        /// Exactly `count` ASCII digits.
        mutating func number(_ count: Int) -> Int? {
            guard at + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[at..<at + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            at += count
            return value
        }

        /// One or more digits: the first three as milliseconds, and how many were read.
        mutating func fraction() -> (Int, Int)? {
            var value = 0
            var digits = 0
            while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) {
                if digits < 3 { value = value * 10 + Int(bytes[at] - UInt8(ascii: "0")) }
                digits += 1
                at += 1
            }
            return digits == 0 ? nil : (value, digits)
        }
    }
}

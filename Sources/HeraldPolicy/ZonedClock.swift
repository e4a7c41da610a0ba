import Foundation
import HeraldCore

/// Local wall-clock arithmetic in one IANA zone, DST-correct.
///
/// Offsets come from Foundation's `TimeZone` (the tz database); the calendar arithmetic on top is
/// plain proleptic-Gregorian day counting, so gap and overlap handling is explicit rather than
/// whatever a platform's `Calendar` matching policy happens to do:
/// a wall time skipped by a spring-forward gap maps to the first instant after the gap, and a wall
/// time repeated by a fall-back overlap maps to its first occurrence.
/// A class so that passing it around costs one retain, not one per field.
final class ZonedClock: Sendable {
    let zone: TimeZone
    let identifier: String
    /// "Europe/London (contact timezone)", kept so the common trace line costs nothing.
    let contactReason: String
    private let offsets: ZoneOffsets

    init(zone: TimeZone) {
        self.zone = zone
        self.identifier = zone.identifier
        self.contactReason = zone.identifier + " (contact timezone)"
        self.offsets = ZoneOffsets(zone: zone)
    }

    /// A moment as the local wall clock shows it.
    struct LocalMoment {
        /// Days since 1970-01-01 on the local calendar.
        var day: Int
        /// Seconds since local midnight (fractional seconds kept).
        var secondOfDay: Double
        /// ISO weekday index: 0 = Monday … 6 = Sunday.
        var weekday: Int { ((day + 3) % 7 + 7) % 7 }
    }

    func offset(at instant: Double) -> Int { offsets.offset(at: instant) }

    func local(_ date: Date) -> LocalMoment {
        let instant = date.timeIntervalSince1970
        let wall = instant + Double(offset(at: instant))
        let day = Int((wall / 86_400).rounded(.down))
        return LocalMoment(day: day, secondOfDay: wall - Double(day) * 86_400)
    }

    /// Every instant at which the wall clock reads `secondOfDay` on local `day`, earliest first:
    /// one normally, two in a fall-back overlap, and in a spring-forward gap the first instant after it.
    func instants(day: Int, secondOfDay: Int) -> [Date] {
        let wall = Double(day) * 86_400 + Double(secondOfDay)
        // At most one offset change lies within a day of any wall time in the tz database.
        let before = offset(at: wall - 86_400)
        let after = offset(at: wall + 86_400)
        var found: [Date] = []
        // The larger offset gives the earlier instant.
        for candidate in before == after ? [before] : [max(before, after), min(before, after)]
        where offset(at: wall - Double(candidate)) == candidate {
            found.append(Date(timeIntervalSince1970: wall - Double(candidate)))
        }
        if found.isEmpty {
            let instant = transition(between: wall - Double(after), and: wall - Double(before))
            found.append(Date(timeIntervalSince1970: instant))
        }
        return found
    }

    /// The first instant that the local clock reads `time` on `day` (see the type's gap/overlap rules).
    func firstInstant(day: Int, time: LocalClockTime) -> Date {
        instants(day: day, secondOfDay: time.secondsOfDay)[0]
    }

    /// The earliest day's `time` (first occurrence, see above) at or after `date`. When `date` falls
    /// between the two occurrences of an overlap, the day's `time` has passed and the next day's is used.
    func nextOccurrence(of time: LocalClockTime, atOrAfter date: Date) -> Date {
        let today = local(date).day
        let instant = firstInstant(day: today, time: time)
        return instant >= date ? instant : firstInstant(day: today + 1, time: time)
    }

    /// The instant an offset change happens inside (low, high]: the first second on the new offset.
    private func transition(between low: Double, and high: Double) -> Double {
        let start = offset(at: low)
        var low = low.rounded(.down)
        var high = high.rounded(.up)
        while high - low > 1 {
            let middle = ((low + high) / 2).rounded(.down)
            if offset(at: middle) == start { low = middle } else { high = middle }
        }
        return high
    }

    /// "2026-03-08 03:00 Sun Europe/London": how a trace shows a local moment, after `prefix`.
    func describe(_ date: Date, after prefix: StaticString = "") -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefix.utf8CodeUnitCount + 21 + identifier.utf8.count)
        bytes.append(contentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        appendLocalTime(of: date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension ZonedClock: TraceClock {
    func appendLocalTime(of date: Date, to bytes: inout [UInt8]) {
        let moment = local(date)
        let (year, month, dayOfMonth) = CivilCalendar.date(fromDays: moment.day)
        let seconds = Int(moment.secondOfDay)
        let names: StaticString = "MonTueWedThuFriSatSun"
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            for _ in 0..<count {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(dayOfMonth, 2)
        bytes.append(UInt8(ascii: " "))
        digits(seconds / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: UnsafeBufferPointer(start: names.utf8Start + moment.weekday * 3, count: 3))
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: identifier.utf8)
    }
}

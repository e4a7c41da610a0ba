import Foundation

/// A zone's UTC offsets as a table of transitions, built once per zone, so a decision looks an
/// offset up by binary search instead of asking ICU under a lock every time. Outside the table's
/// years (or if the zone reports transitions inconsistently) the `TimeZone` itself answers.
final class ZoneOffsets: Sendable {
    private let zone: TimeZone
    private let lower: Double
    private let upper: Double
    private let usable: Bool
    /// Instants at which the offset changes, ascending.
    private let transitions: [Double]
    /// `offsets[i]` holds before `transitions[i]` (and after the previous one); one more than transitions.
    private let offsets: [Int]

    init(zone: TimeZone, from lowerYear: Double = 1970, through upperYear: Double = 2100) {
        self.zone = zone
        let lower = (lowerYear - 1970) * 365.2425 * 86_400
        let upper = (upperYear + 1 - 1970) * 365.2425 * 86_400
        var transitions: [Double] = []
        var offsets = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: lower))]
        var cursor = lower
        var consistent = true
        while transitions.count < 2_000,
            let next = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: cursor)),
            next.timeIntervalSince1970 > cursor, next.timeIntervalSince1970 < upper
        {
            let instant = next.timeIntervalSince1970
            // The offset just before must be the one recorded for the previous span.
            if zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant - 1)) != offsets[offsets.count - 1] {
                consistent = false
                break
            }
            transitions.append(instant)
            offsets.append(zone.secondsFromGMT(for: next))
            cursor = instant
        }
        // Trust, but verify: a table that disagrees with the zone anywhere on a 10-day grid is not used.
        var instant = lower
        while consistent, instant < upper {
            let expected = zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))
            consistent = Self.lookUp(instant, transitions: transitions, offsets: offsets) == expected
            instant += 10 * 86_400
        }
        self.lower = lower
        self.upper = upper
        self.transitions = transitions
        self.offsets = offsets
        self.usable = consistent
    }

    /// Whether look-ups use the table (false means every one asks the zone).
    var isUsable: Bool { usable }

    func offset(at instant: Double) -> Int {
        guard usable, instant >= lower, instant < upper else {
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))
        }
        return tableOffset(at: instant)
    }

    private func tableOffset(at instant: Double) -> Int {
        Self.lookUp(instant, transitions: transitions, offsets: offsets)
    }

    /// The offset of the span `instant` lies in: the index of the first transition after it.
    private static func lookUp(_ instant: Double, transitions: [Double], offsets: [Int]) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return offsets[low]
    }
}

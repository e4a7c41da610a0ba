import Foundation

/// A zone's UTC offsets as a table of transitions, built once per zone, so a decision looks an
/// offset up by binary search instead of asking ICU under a lock every time. Outside the table's
/// years (or if the zone reports transitions inconsistently) the `TimeZone` itself answers.
final class ZoneOffsets: Sendable {
    private let zone: TimeZone
    private let lower: Double
    private let upper: Double
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
        self.lower = lower
        self.upper = consistent ? upper : lower  // an empty range sends every look-up to the zone
        self.transitions = transitions
        self.offsets = offsets
    }

    func offset(at instant: Double) -> Int {
        guard instant >= lower, instant < upper else {
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))
        }
        // First transition after `instant`: its index is the span `instant` lies in.
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return offsets[low]
    }
}

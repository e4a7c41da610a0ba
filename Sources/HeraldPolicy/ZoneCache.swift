import Foundation
import Synchronization

/// Resolved zones by identifier, so a decision neither rebuilds a `TimeZone` nor its offset table.
/// Only known zones are kept: identifiers come from contact data, and a flood of bogus ones must
/// neither grow the cache nor crowd real zones out of it (a miss on a real zone costs a table build).
final class ZoneCache: Sendable {
    /// Zone data never changes while the process runs, so every policy shares one cache.
    static let shared = ZoneCache()

    private let zones = Mutex<[String: ZonedClock]>([:])
    private let limit: Int

    init(limit: Int = 4096) { self.limit = limit }

    /// The clock for an IANA identifier, or nil when Foundation does not know the zone.
    func clock(for identifier: String) -> ZonedClock? {
        if let cached = zones.withLock({ $0[identifier] }) { return cached }
        // Foundation's reading, not `IANATimeZone`'s: contacts stored before intake refused custom offsets
        // ("UTC+3") keep the clock they had.
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        let clock = ZonedClock(zone: zone)
        zones.withLock { zones in
            if zones.count < limit { zones[identifier] = clock }
        }
        return clock
    }
}

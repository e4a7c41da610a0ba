import Foundation
import Synchronization

/// Resolved `TimeZone`s by identifier, so a decision does not rebuild one per call.
/// Bounded: identifiers come from contact data, so a flood of distinct bogus ones must not grow it.
final class ZoneCache: Sendable {
    /// Zone data never changes while the process runs, so every policy shares one cache.
    static let shared = ZoneCache()

    private let zones = Mutex<[String: ZonedClock?]>([:])
    private let limit: Int

    init(limit: Int = 2048) { self.limit = limit }

    /// The clock for an IANA identifier, or nil when Foundation does not know the zone.
    func clock(for identifier: String) -> ZonedClock? {
        if let cached = zones.withLock({ $0[identifier] }) { return cached }
        let clock = TimeZone(identifier: identifier).map(ZonedClock.init(zone:))
        zones.withLock { zones in
            if zones.count < limit { zones[identifier] = clock }
        }
        return clock
    }
}

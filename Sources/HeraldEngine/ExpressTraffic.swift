import Foundation
import Synchronization

/// When express work (priority at or above `engine.express_priority`) last came through. An OTP's intake and
/// its claim each wait for the SQLite write in progress, and a campaign's claims and fan-out batches are the
/// long ones (10–30 ms each on a busy 2-core machine). While express work flows, bulk work therefore takes
/// smaller bites: its claims and fan-out batches are a quarter of their configured size.
public final class ExpressTraffic: Sendable {
    private let lastSeen = Mutex<Date?>(nil)
    /// How long after the last express job bulk work keeps taking small bites.
    public let window: TimeInterval
    /// Bulk batch sizes are divided by this while express work flows.
    public let divisor: Int

    public init(window: TimeInterval = 30, divisor: Int = 4) {
        self.window = window
        self.divisor = max(divisor, 1)
    }

    public func note(at time: Date) {
        lastSeen.withLock { last in
            if last.map({ $0 < time }) ?? true { last = time }
        }
    }

    /// The batch size bulk work should take now: `full`, or a smaller bite while express work flows.
    public func bulkLimit(_ full: Int, at now: Date) -> Int {
        guard let last = lastSeen.withLock({ $0 }), now.timeIntervalSince(last) < window else { return full }
        return max(full / divisor, 1)
    }
}

import Foundation
import Synchronization

/// When an express job (priority at or above `engine.express_priority`, fanned out at intake: an OTP) was last
/// accepted. An OTP's intake and its claim each wait for the SQLite write in progress, and a campaign's claims
/// and fan-out batches are the long ones (10–50 ms each on a busy 2-core machine). While OTPs flow, bulk work
/// therefore takes smaller bites: its claims and fan-out pages are a quarter of their configured size. A
/// transactional job with a segment audience is bulk work itself and does not count.
public final class ExpressTraffic: Sendable {
    private let lastSeen = Mutex<Date?>(nil)
    /// How long after the last express job bulk work keeps taking small bites.
    public let window: TimeInterval
    /// Bulk batch sizes are divided by this while express work flows.
    public let divisor: Int

    public init(window: TimeInterval = 10, divisor: Int = 4) {
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

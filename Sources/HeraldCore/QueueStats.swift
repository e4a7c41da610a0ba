import Foundation

/// A snapshot of the delivery queue for gauges and the dashboard. Counts only: no contact or job ids.
public struct QueueStats: Sendable, Hashable {
    public struct Bucket: Sendable, Hashable {
        public var state: DeliveryState
        public var lane: Lane
        public var channel: ChannelKind
        public var count: Int

        public init(state: DeliveryState, lane: Lane, channel: ChannelKind, count: Int) {
            self.state = state
            self.lane = lane
            self.channel = channel
            self.count = count
        }
    }

    /// Pending deliveries (queued, scheduled, sending) grouped by state, lane and channel kind.
    public var buckets: [Bucket]
    /// How long the oldest delivery that is due (not_before ≤ now) but not yet sent has been waiting; 0 when none.
    public var oldestDueAge: TimeInterval

    public init(buckets: [Bucket] = [], oldestDueAge: TimeInterval = 0) {
        self.buckets = buckets
        self.oldestDueAge = oldestDueAge
    }

    public func depth(channel: ChannelKind) -> Int {
        buckets.filter { $0.channel == channel }.reduce(0) { $0 + $1.count }
    }
}

/// Stores that can count their queue cheaply. A separate protocol so `Store` itself stays unchanged.
public protocol QueueStatsProviding: Sendable {
    func queueStats(now: Date) async throws -> QueueStats
}

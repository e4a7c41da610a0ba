import Foundation

/// Sends per channel kind in one minute, for the dashboard's throughput chart.
public struct ThroughputPoint: Sendable, Hashable {
    public var minute: Date
    public var channel: ChannelKind
    public var sent: Int

    public init(minute: Date, channel: ChannelKind, sent: Int) {
        self.minute = minute
        self.channel = channel
        self.sent = sent
    }
}

/// Read-only queries the dashboard needs beyond `Store`; a separate protocol so `Store` stays unchanged.
public protocol DashboardQueries: Sendable {
    /// Newest jobs first.
    func recentJobs(limit: Int) async throws -> [Job]
    /// Failed deliveries (and those suppressed after a provider answer), newest change first, with attempts.
    func recentFailures(limit: Int) async throws -> [Delivery]
    /// Sends per minute and channel kind since `since`.
    func throughput(since: Date) async throws -> [ThroughputPoint]
    func delivery(id: Int64) async throws -> Delivery?
}

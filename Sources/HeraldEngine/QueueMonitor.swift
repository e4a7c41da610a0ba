import Foundation
import HeraldCore
import Logging
import ServiceLifecycle
import Synchronization

/// Refreshes the queue gauges (depth by state, lane and channel; age of the oldest due delivery) and the
/// breaker gauges every `interval`, and keeps the last hour of depth samples for the dashboard's chart.
public struct QueueMonitor: Service {
    let stats: any QueueStatsProviding
    let router: ChannelRouter?
    let observability: EngineObservability
    let interval: TimeInterval
    let now: @Sendable () -> Date
    let logger: Logger
    public let history: QueueHistory

    public init(
        stats: any QueueStatsProviding, router: ChannelRouter?, observability: EngineObservability,
        interval: TimeInterval = 15, history: QueueHistory = QueueHistory(), now: @escaping @Sendable () -> Date = Date.init,
        logger: Logger
    ) {
        self.stats = stats
        self.router = router
        self.observability = observability
        self.interval = interval
        self.history = history
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await refresh()
            } catch {
                logger.warning("queue stats refresh failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }

    /// One refresh: gauges and a history sample.
    public func refresh() async throws {
        let current = now()
        let snapshot = try await stats.queueStats(now: current)
        observability.metrics.queue(snapshot)
        history.record(snapshot, at: current)
        if let router { await observability.breakers(router) }
    }
}

/// The last hour of queue depth per channel kind, sampled by `QueueMonitor`.
public final class QueueHistory: Sendable {
    public struct Sample: Sendable, Hashable {
        public var at: Date
        public var depth: [ChannelKind: Int]
        public var oldestDueAge: TimeInterval
    }

    private let samples = Mutex<[Sample]>([])
    let window: TimeInterval

    public init(window: TimeInterval = 3600) { self.window = window }

    public func record(_ stats: QueueStats, at: Date) {
        var depth: [ChannelKind: Int] = [:]
        for kind in ChannelKind.allCases { depth[kind] = stats.depth(channel: kind) }
        samples.withLock { samples in
            samples.append(Sample(at: at, depth: depth, oldestDueAge: stats.oldestDueAge))
            samples.removeAll { at.timeIntervalSince($0.at) > window }
        }
    }

    public func snapshot() -> [Sample] { samples.withLock { $0 } }
}

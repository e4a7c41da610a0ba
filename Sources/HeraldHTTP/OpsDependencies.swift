import CoreMetrics
import Foundation
import HeraldCore
import HeraldEngine

/// What the ops and compliance surfaces need. Every part is optional: without a broadcaster the live tail
/// answers 503, without an access log compliance reads are not recorded, and so on.
public struct OpsDependencies: Sendable {
    /// Labels HTTP requests by route template and status when set.
    public var metricsFactory: (any MetricsFactory)?
    public var events: DeliveryEvents?
    public var accessAudit: (any AccessAuditing)?
    public var dashboard: (any DashboardQueries)?
    public var queueStats: (any QueueStatsProviding)?
    public var queueHistory: QueueHistory?
    /// How often an idle live-tail stream writes a keep-alive comment (and so notices a client that left).
    public var streamHeartbeat: TimeInterval

    public init(
        metricsFactory: (any MetricsFactory)? = nil, events: DeliveryEvents? = nil,
        accessAudit: (any AccessAuditing)? = nil, dashboard: (any DashboardQueries)? = nil,
        queueStats: (any QueueStatsProviding)? = nil, queueHistory: QueueHistory? = nil, streamHeartbeat: TimeInterval = 15
    ) {
        self.metricsFactory = metricsFactory
        self.events = events
        self.accessAudit = accessAudit
        self.dashboard = dashboard
        self.queueStats = queueStats
        self.queueHistory = queueHistory
        self.streamHeartbeat = streamHeartbeat
    }

    /// Takes the access log, dashboard queries and queue stats from the store when its backend offers them.
    public static func fromStore(
        _ store: any Store, metricsFactory: (any MetricsFactory)?, events: DeliveryEvents?, queueHistory: QueueHistory?
    ) -> OpsDependencies {
        OpsDependencies(
            metricsFactory: metricsFactory, events: events, accessAudit: store as? any AccessAuditing,
            dashboard: store as? any DashboardQueries, queueStats: store as? any QueueStatsProviding,
            queueHistory: queueHistory)
    }
}

import CoreMetrics
import Foundation
import HeraldCore
import HeraldEngine
import HeraldHTTP
import Logging
import Prometheus
import ServiceLifecycle

/// The ops surfaces of one daemon: a Prometheus registry (an instance, not a process-global bootstrap),
/// the live-tail broadcaster, queue history and the queue monitor service.
public struct OpsWiring: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory
    public let events: DeliveryEvents
    public let history: QueueHistory
    public let observability: EngineObservability
    /// Nil when the store cannot report queue statistics.
    public let monitor: QueueMonitor?
    let store: any Store

    public init(store: any Store, router: ChannelRouter?, logger: Logger, monitorInterval: TimeInterval = 15) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
        let events = DeliveryEvents()
        let history = QueueHistory()
        let observability = EngineObservability(metrics: EngineMetrics(factory: factory), events: events)
        self.events = events
        self.history = history
        self.observability = observability
        monitor = (store as? any QueueStatsProviding).map { stats in
            QueueMonitor(
                stats: stats, router: router, observability: observability, interval: monitorInterval, history: history,
                logger: logger)
        }
        self.store = store
    }

    /// Prometheus text exposition of everything registered so far.
    public func renderMetrics() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    public var httpDependencies: OpsDependencies {
        OpsDependencies.fromStore(store, metricsFactory: factory, events: events, queueHistory: history)
    }
}

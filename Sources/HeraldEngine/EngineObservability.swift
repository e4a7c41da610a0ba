import Foundation
import HeraldCore
import Logging

/// Where the engine reports delivery state changes: metrics, the live-tail broadcaster and the log.
/// Each hook is called once per batch, after the store committed it.
public struct EngineObservability: Sendable {
    public var metrics: EngineMetrics
    public var events: DeliveryEvents?

    public init(metrics: EngineMetrics = EngineMetrics(), events: DeliveryEvents? = nil) {
        self.metrics = metrics
        self.events = events
    }

    /// Rows fan-out wrote (or fallbacks queued).
    func planned(_ rows: [NewDelivery], fromFanout: Bool, at: Date, logger: Logger) {
        guard !rows.isEmpty else { return }
        var written: [ChannelKind: Int] = [:]
        for row in rows {
            metrics.delivery(channel: row.channel, instance: nil, state: row.state, reason: row.reason)
            written[row.channel, default: 0] += 1
        }
        if fromFanout {
            for (channel, count) in written { metrics.fanoutWritten(channel: channel, count: count) }
        }
        publish(rows.map { DeliveryEvent.planned($0, at: at) }, logger: logger)
    }

    func claimed(_ claimed: [ClaimedDelivery], at: Date, logger: Logger) {
        publish(claimed.map { DeliveryEvent.claimed($0, at: at) }, logger: logger)
    }

    func recorded(_ outcomes: [DeliveryOutcome], claimed: [ClaimedDelivery], at: Date, logger: Logger) {
        let byId = Dictionary(claimed.map { ($0.deliveryId, $0) }, uniquingKeysWith: { first, _ in first })
        var events: [DeliveryEvent] = []
        events.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            for attempt in outcome.attempts { metrics.attempt(attempt) }
            guard let delivery = byId[outcome.deliveryId] else { continue }
            let event = DeliveryEvent.outcome(outcome, of: delivery, at: at)
            metrics.delivery(channel: event.channel, instance: event.instance, state: event.state, reason: event.reason)
            events.append(event)
        }
        publish(events, logger: logger)
        planned(outcomes.compactMap(\.fallback), fromFanout: false, at: at, logger: logger)
    }

    func breakers(_ router: ChannelRouter) async {
        for instance in router.instances {
            metrics.breaker(instance: instance.driver.id, state: await instance.breakerState)
        }
    }

    private func publish(_ events: [DeliveryEvent], logger: Logger) {
        guard !events.isEmpty else { return }
        DeliveryEventLog.log(events, to: logger)
        self.events?.publish(events)
    }
}

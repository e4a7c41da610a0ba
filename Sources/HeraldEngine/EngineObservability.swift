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
        let events = rows.map { DeliveryEvent.planned($0, at: at) }
        metrics.deliveries(events)
        if fromFanout {
            var written: [ChannelKind: Int] = [:]
            for row in rows { written[row.channel, default: 0] += 1 }
            for (channel, count) in written { metrics.fanoutWritten(channel: channel, count: count) }
        }
        publish(events, logger: logger)
    }

    /// Leased for sending, or deferred / suppressed by the policy at send time (quiet hours, caps, an opt-out
    /// recorded after fan-out): all of them are state changes the live tail and the counters must show.
    func claimed(_ decisions: ClaimDecisions, at: Date, logger: Logger) {
        var events = decisions.sends.map { DeliveryEvent.claimed($0.delivery, at: at) }
        for deferral in decisions.deferrals {
            events.append(DeliveryEvent.decided(deferral.row, state: .scheduled, notBefore: deferral.until, at: at))
        }
        for suppression in decisions.suppressions {
            events.append(DeliveryEvent.decided(suppression.row, state: .suppressed, reason: suppression.reason, at: at))
        }
        metrics.deliveries(events.lazy.filter { $0.state != .sending })
        publish(events, logger: logger)
    }

    func recorded(_ outcomes: [DeliveryOutcome], claimed: [ClaimedDelivery], at: Date, logger: Logger) {
        let byId = Dictionary(claimed.map { ($0.deliveryId, $0) }, uniquingKeysWith: { first, _ in first })
        var events: [DeliveryEvent] = []
        events.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            guard let delivery = byId[outcome.deliveryId] else { continue }
            events.append(DeliveryEvent.outcome(outcome, of: delivery, at: at))
        }
        metrics.attempts(outcomes.lazy.flatMap(\.attempts))
        metrics.deliveries(events)
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

import CoreMetrics
import Foundation

/// Webhook delivery metrics; labelled by endpoint id (configured, so bounded) and outcome.
public struct WebhookMetrics: Sendable {
    public static let attempts = "herald_webhook_attempts_total"
    public static let events = "herald_webhook_events_total"
    public static let lag = "herald_webhook_lag_events"
    public static let parked = "herald_webhook_parked_events"

    public let factory: any MetricsFactory

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    /// One POST: `delivered`, `failed` (non-2xx) or `error` (no answer), and how many events it carried.
    func attempt(endpoint: String, outcome: String, events: Int) {
        Counter(label: Self.attempts, dimensions: [("endpoint", endpoint), ("outcome", outcome)], factory: factory)
            .increment()
        Counter(label: Self.events, dimensions: [("endpoint", endpoint), ("outcome", outcome)], factory: factory)
            .increment(by: events)
    }

    func progress(endpoint: String, lag: Int, parked: Int) {
        Gauge(label: Self.lag, dimensions: [("endpoint", endpoint)], factory: factory).record(lag)
        Gauge(label: Self.parked, dimensions: [("endpoint", endpoint)], factory: factory).record(parked)
    }
}

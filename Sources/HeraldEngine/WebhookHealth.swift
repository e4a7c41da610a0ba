import Foundation
import HeraldCore
import Synchronization

/// Each endpoint's breaker state as this node sees it, for `GET /v1/webhooks` and the dashboard.
public final class WebhookHealth: Sendable {
    private let states = Mutex<[String: CircuitBreaker.State]>([:])

    public init() {}

    func record(_ endpoint: String, _ state: CircuitBreaker.State) {
        states.withLock { $0[endpoint] = state }
    }

    public func breakerState(_ endpoint: String) -> CircuitBreaker.State {
        states.withLock { $0[endpoint] } ?? .closed
    }
}

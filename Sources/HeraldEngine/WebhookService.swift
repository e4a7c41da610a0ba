import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// Status webhooks (SPEC §8): one worker per configured endpoint, all in this service. Every node runs it;
/// each endpoint's lease in the store decides which node sends to it.
public struct WebhookService: Service {
    let workers: [WebhookWorker]
    let transport: any WebhookTransport

    public init(
        endpoints: [WebhookEndpoint], store: any Store & WebhookOutboxStore, transport: any WebhookTransport,
        owner: String, health: WebhookHealth, metrics: WebhookMetrics = WebhookMetrics(), logger: Logger,
        pollInterval: Duration = .milliseconds(200), now: @escaping @Sendable () -> Date = { Date() },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.transport = transport
        workers = endpoints.map {
            WebhookWorker(
                endpoint: $0, store: store, transport: transport, owner: owner, health: health, metrics: metrics,
                logger: logger, pollInterval: pollInterval, now: now, jitter: jitter,
                memory: WebhookWorkerMemory(breaker: CircuitBreaker(threshold: 5, cooldown: $0.breakerCooldown), store: store))
        }
    }

    /// The event types some endpoint subscribes to: all the store needs to record.
    public static func subscribedTypes(_ endpoints: [WebhookEndpoint]) -> Set<WebhookEventType> {
        endpoints.reduce(into: Set()) { $0.formUnion($1.events) }
    }

    /// One step of every endpoint (at most one POST each), for tests driving time themselves; true when
    /// some endpoint may have more to send right away.
    public func step() async throws -> Bool {
        var busy = false
        for worker in workers {
            if try await worker.stepOnce() { busy = true }
        }
        return busy
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for worker in workers { group.addTask { await worker.run() } }
        }
        await transport.shutdown()
    }
}

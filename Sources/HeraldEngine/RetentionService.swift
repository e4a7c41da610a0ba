import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// Prunes the delivery log and the webhook event log past `retention:` in small batches, with a pause between
/// them so the writer stays free for sending. Runs a pass at start and then every `interval`.
public struct RetentionService: Service {
    let store: any RetentionStore
    let policy: RetentionPolicy
    let now: @Sendable () -> Date
    let interval: Duration
    let pause: Duration
    let logger: Logger

    public init(
        store: any RetentionStore, policy: RetentionPolicy, logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
        interval: Duration = .seconds(600), pause: Duration = .milliseconds(50)
    ) {
        self.store = store
        self.policy = policy
        self.logger = logger
        self.now = now
        self.interval = interval
        self.pause = pause
    }

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            do {
                let pruned = try await prune(pause: pause)
                if pruned.total > 0 {
                    logger.info(
                        "retention pruned old rows",
                        metadata: [
                            "retention.deliveries": "\(pruned.deliveries)", "retention.attempts": "\(pruned.attempts)",
                            "retention.traces": "\(pruned.traces)",
                            "retention.webhook_events": "\(pruned.webhookEvents)", "retention.bounces": "\(pruned.bounces)",
                        ])
                }
            } catch {
                logger.warning("retention pass failed", metadata: ["error": "\(error)"])
            }
            // Woken early by a graceful shutdown, so SIGTERM never waits out the interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    public struct Pruned: Sendable, Equatable {
        public var deliveries = 0
        public var attempts = 0
        public var traces = 0
        public var webhookEvents = 0
        public var bounces = 0
        public var total: Int { deliveries + attempts + traces + webhookEvents + bounces }
    }

    /// One pass: every kind, batch after batch until nothing is left past its cutoff (cutoffs fixed at the
    /// start). `pause` nil runs the batches back to back (tests).
    public func prune(pause: Duration? = nil) async throws -> Pruned {
        let start = now()
        var pruned = Pruned()
        if let age = policy.deliveries {
            pruned.deliveries = try await drain(pause) { try await store.pruneDeliveries(before: start - age, limit: $0) }
        }
        if let age = policy.attempts {
            pruned.attempts = try await drain(pause) { try await store.pruneAttempts(before: start - age, limit: $0) }
        }
        if let age = policy.traces {
            pruned.traces = try await drain(pause) { try await store.pruneTraces(before: start - age, limit: $0) }
        }
        if let age = policy.webhookEvents {
            pruned.webhookEvents = try await drain(pause) {
                try await store.pruneWebhookEvents(before: start - age, limit: $0)
            }
        }
        if let age = policy.bounces {
            pruned.bounces = try await drain(pause) { try await store.pruneBounces(before: start - age, limit: $0) }
        }
        return pruned
    }

    private func drain(_ pause: Duration?, _ batch: (Int) async throws -> Int) async throws -> Int {
        var total = 0
        while !Task.isCancelledOrShuttingDown {
            let count = try await batch(policy.batchSize)
            total += count
            guard count == policy.batchSize else { break }
            if let pause { try await Task.sleep(for: pause) }
        }
        return total
    }
}

extension Task where Success == Never, Failure == Never {
    fileprivate static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}

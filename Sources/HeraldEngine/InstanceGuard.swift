import Foundation
import HeraldCore

/// Wraps one channel instance with its rate limit, concurrency limit and circuit breaker.
public actor InstanceGuard {
    public nonisolated let driver: any ChannelDriver
    private var bucket: TokenBucket?
    private var breaker: CircuitBreaker
    private let concurrency: Int
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(driver: any ChannelDriver, ratePerSecond: Double?, concurrency: Int, breaker: CircuitBreaker = .init()) {
        self.driver = driver
        self.bucket = ratePerSecond.map { TokenBucket(rate: $0) }
        self.concurrency = max(concurrency, 1)
        self.breaker = breaker
    }

    public var breakerState: CircuitBreaker.State { breaker.state }

    /// Nil when the breaker is open: the caller fails over or retries later.
    public func send(_ message: OutboundMessage, now: @Sendable () -> Date) async -> SendResult? {
        guard breaker.allows(now: now()) else { return nil }
        await acquireSlot()
        while let wait = bucket?.take(now: now()) {
            try? await Task.sleep(for: .seconds(wait))
        }
        let result = await driver.send(message)
        releaseSlot()
        switch result.outcome {
        case .retry: breaker.recordFailure(now: now())
        case .sent, .permanent, .invalidAddress, .optedOut: breaker.recordSuccess()
        }
        return result
    }

    private func acquireSlot() async {
        if inFlight < concurrency {
            inFlight += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func releaseSlot() {
        if waiters.isEmpty {
            inFlight -= 1
        } else {
            // The slot passes straight to the next waiter.
            waiters.removeFirst().resume()
        }
    }
}

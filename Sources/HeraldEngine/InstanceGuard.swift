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

    /// Sends `batch` through the driver; a nil result means the message was not sent because the breaker
    /// is open (the caller fails over or retries later). The batch runs on the slots it can get (at
    /// least one, at most `concurrency`), and goes out in waves as the rate limit's tokens allow.
    public func send(batch: [OutboundMessage], now: @Sendable () -> Date) async -> [SendResult?] {
        guard !batch.isEmpty else { return [] }
        let slots = await acquireSlots(upTo: batch.count)
        defer { for _ in 0..<slots { releaseSlot() } }
        var results: [SendResult?] = []
        results.reserveCapacity(batch.count)
        while results.count < batch.count {
            guard breaker.allows(now: now()) else { break }
            let wave = await takeTokens(upTo: batch.count - results.count, now: now)
            let sent = await driver.send(batch: Array(batch[results.count..<results.count + wave]), concurrency: slots)
            for result in sent {
                switch result.outcome {
                case .retry: breaker.recordFailure(now: now())
                case .sent, .permanent, .invalidAddress, .optedOut: breaker.recordSuccess()
                }
            }
            results += sent.map(Optional.some)
        }
        return results + Array(repeating: nil, count: batch.count - results.count)
    }

    /// How many of `wanted` messages may go now: waits for the first token, then takes what is there.
    private func takeTokens(upTo wanted: Int, now: () -> Date) async -> Int {
        guard bucket != nil else { return wanted }
        while let wait = bucket?.take(now: now()) {
            try? await Task.sleep(for: .seconds(wait))
        }
        var taken = 1
        while taken < wanted, bucket?.take(now: now()) == nil { taken += 1 }
        return taken
    }

    /// Waits for one slot, then takes what else is free up to `wanted`, without waiting again: a batch
    /// that waited while holding slots could deadlock with another doing the same.
    private func acquireSlots(upTo wanted: Int) async -> Int {
        if inFlight < concurrency {
            inFlight += 1
        } else {
            // `releaseSlot` hands its slot straight over: `inFlight` already counts this one.
            await withCheckedContinuation { waiters.append($0) }
        }
        let more = max(0, min(wanted - 1, concurrency - inFlight))
        inFlight += more
        return 1 + more
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

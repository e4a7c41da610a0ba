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

    /// `ratePerSecond` must be positive when given (nil = no limit).
    public init(driver: any ChannelDriver, ratePerSecond: Double?, concurrency: Int, breaker: CircuitBreaker = .init()) {
        self.driver = driver
        self.bucket = ratePerSecond.map { TokenBucket(rate: $0) }
        self.concurrency = max(concurrency, 1)
        self.breaker = breaker
    }

    public var breakerState: CircuitBreaker.State { breaker.state }

    /// Asked right before messages go to the driver, after every wait: which of them may still go, and a hold
    /// to end once the driver has them (the store holds back a stop's acknowledgement until then).
    public typealias Admission = @Sendable ([OutboundMessage]) async -> (verdicts: [Bool], hold: SendHold)

    /// Sends `batch`, results in its order; a nil result means the message was not sent (breaker open,
    /// not admitted, or shutting down): the caller fails over or retries later. Each message still waits
    /// for its rate-limit token, and no message waits for another one to finish.
    public func send(
        batch: [OutboundMessage], now: @escaping @Sendable () -> Date, admit: Admission? = nil
    ) async -> [SendResult?] {
        driver.capsOwnConcurrency
            ? await sendInChunks(batch, now: now, admit: admit) : await sendOneByOne(batch, now: now, admit: admit)
    }

    /// For drivers whose pool caps the requests in flight: the batch goes to the driver in chunks of as
    /// many messages as there are tokens (the whole batch without a rate limit), each chunk as soon as
    /// its tokens are there, without waiting for earlier chunks to finish.
    private func sendInChunks(
        _ batch: [OutboundMessage], now: @escaping @Sendable () -> Date, admit: Admission?
    ) async -> [SendResult?] {
        var results = [SendResult?](repeating: nil, count: batch.count)
        let driver = driver
        await withTaskGroup(of: ([Int], [SendResult]).self) { group in
            var start = 0
            // The breaker hears each chunk's results as the chunk finishes, so an opening breaker
            // stops the chunks not yet started.
            while start < batch.count, breaker.allows(now: now()) {
                let chunk = await takeTokens(upTo: batch.count - start, now: now)
                // Waiting for tokens gave earlier chunks time to answer: ask the breaker again.
                guard chunk > 0, breaker.allows(now: now()) else { break }
                let range = start..<start + chunk
                start += chunk
                let (admitted, hold) = await admitted(Array(range), of: batch, admit: admit)
                guard !admitted.isEmpty else {
                    hold?.end()
                    continue
                }
                group.addTask {
                    let sent = await driver.send(batch: admitted.map { batch[$0] }, concurrency: self.concurrency)
                    hold?.end()
                    return (admitted, await self.recorded(sent, expected: admitted.count, now: now))
                }
            }
            for await (positions, sent) in group {
                for (position, result) in zip(positions, sent) { results[position] = result }
            }
        }
        return results
    }

    /// For drivers that take what they are given: one task per message, each with its own slot and
    /// token, as many at once as the concurrency allows.
    private func sendOneByOne(
        _ batch: [OutboundMessage], now: @escaping @Sendable () -> Date, admit: Admission?
    ) async -> [SendResult?] {
        await withTaskGroup(of: (Int, SendResult?).self) { group in
            for (index, message) in batch.enumerated() {
                group.addTask { (index, await self.send(message, now: now, admit: admit)) }
            }
            var results = [SendResult?](repeating: nil, count: batch.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    private func send(_ message: OutboundMessage, now: @Sendable () -> Date, admit: Admission?) async -> SendResult? {
        guard breaker.allows(now: now()) else { return nil }
        await acquireSlot()
        defer { releaseSlot() }
        // The token may have taken a while: the breaker can have opened meanwhile.
        guard await takeTokens(upTo: 1, now: now) == 1, breaker.allows(now: now()) else { return nil }
        let answer = await admit?([message])
        defer { answer?.hold.end() }
        if let answer, answer.verdicts.first != true { return nil }
        let started = ContinuousClock.now
        var result = await driver.send(message)
        result.latency = result.latency ?? ContinuousClock.now - started
        record(result, now: now)
        return result
    }

    /// The positions of `positions` that `admit` lets go now (all of them without one), with its hold.
    private func admitted(
        _ positions: [Int], of batch: [OutboundMessage], admit: Admission?
    ) async -> (positions: [Int], hold: SendHold?) {
        guard let admit else { return (positions, nil) }
        let (verdicts, hold) = await admit(positions.map { batch[$0] })
        return (zip(positions, verdicts).filter(\.1).map(\.0), hold)
    }

    /// Tells the breaker, and makes sure there is one result per message: a missing one is a retry,
    /// never a resend of the others.
    private func recorded(_ sent: [SendResult], expected: Int, now: () -> Date) -> [SendResult] {
        (0..<expected).map { index in
            let result = index < sent.count ? sent[index] : SendResult(outcome: .retry, error: "driver returned no result")
            record(result, now: now)
            return result
        }
    }

    private func record(_ result: SendResult, now: () -> Date) {
        switch result.outcome {
        case .retry: breaker.recordFailure(now: now())
        case .sent, .permanent, .invalidAddress, .optedOut: breaker.recordSuccess()
        }
    }

    /// How many of `wanted` messages may go now: waits for the first token, then takes what is there.
    /// Zero when the task is cancelled (shutting down) or the breaker opened meanwhile: a message that
    /// will not go out does not wait for a token.
    private func takeTokens(upTo wanted: Int, now: () -> Date) async -> Int {
        guard bucket != nil else { return wanted }
        while let wait = bucket?.take(now: now()) {
            guard !Task.isCancelled, breaker.allows(now: now()) else { return 0 }
            try? await Task.sleep(for: .seconds(wait))
        }
        var taken = 1
        while taken < wanted, bucket?.take(now: now()) == nil { taken += 1 }
        return taken
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

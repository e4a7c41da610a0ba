import Foundation
import HeraldEngine
import Testing

@Suite("Engine: retry policy, circuit breaker, token bucket")
struct ResilienceUnitTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func retryDelayGrowsAndIsCapped() {
        let policy = RetryPolicy(maxAttempts: 6, base: 2, cap: 20)
        let delays = (1...6).map { policy.delay(afterAttempt: $0, jitter: 1, retryAfter: nil) }
        #expect(delays == [2, 4, 8, 16, 20, 20])
        // Jitter spreads within the upper half of the step, never above it.
        #expect(policy.delay(afterAttempt: 3, jitter: 0, retryAfter: nil) == 4)
        #expect(policy.delay(afterAttempt: 3, jitter: 0.5, retryAfter: nil) == 6)
        #expect(policy.allowsRetry(afterAttempt: 5))
        #expect(policy.allowsRetry(afterAttempt: 6) == false)
    }

    @Test func retryAfterIsAFloor() {
        let policy = RetryPolicy(base: 2, cap: 600)
        #expect(policy.delay(afterAttempt: 1, jitter: 0, retryAfter: 90) == 90)
        #expect(policy.delay(afterAttempt: 10, jitter: 1, retryAfter: 5) == 600)
        // Up to a day: a provider's `Retry-After: 999999999` does not park a delivery for 31 years.
        #expect(policy.delay(afterAttempt: 1, jitter: 0, retryAfter: 999_999_999) == 86_400)
        #expect(policy.delay(afterAttempt: 1, jitter: 0, retryAfter: 86_399) == 86_399)
    }

    @Test func breakerOpensAfterThresholdAndHalfOpensAfterCooldown() {
        var breaker = CircuitBreaker(threshold: 3, cooldown: 30)
        breaker.recordFailure(now: t0)
        breaker.recordFailure(now: t0)
        #expect(breaker.state == .closed)
        #expect(breaker.allows(now: t0) == true)
        breaker.recordFailure(now: t0)
        #expect(breaker.state == .open)
        #expect(breaker.allows(now: t0 + 29) == false)
        #expect(breaker.allows(now: t0 + 30) == true)
        #expect(breaker.state == .halfOpen)
        // The probe fails: open again for a full cooldown.
        breaker.recordFailure(now: t0 + 31)
        #expect(breaker.state == .open)
        #expect(breaker.allows(now: t0 + 60) == false)
        #expect(breaker.allows(now: t0 + 61) == true)
        breaker.recordSuccess()
        #expect(breaker.state == .closed)
        // A success resets the count: it takes the full threshold to open again.
        breaker.recordFailure(now: t0 + 62)
        breaker.recordFailure(now: t0 + 62)
        #expect(breaker.state == .closed)
    }

    @Test func tokenBucketAllowsABurstThenRefillsAtTheRate() {
        var bucket = TokenBucket(rate: 2, burst: 3)
        #expect((0..<3).map { _ in bucket.take(now: t0) } == [nil, nil, nil])
        #expect(bucket.take(now: t0) == 0.5)
        #expect(bucket.take(now: t0 + 0.5) == nil)
        // Idle time never stores more than the burst.
        let later = t0 + 100
        #expect((0..<3).map { _ in bucket.take(now: later) } == [nil, nil, nil])
        #expect(bucket.take(now: later) != nil)
    }
}

import Foundation

/// Pauses an instance that keeps failing: after `threshold` consecutive transient failures it opens for
/// `cooldown`, then lets one probe through (half-open); a success closes it again. Pure; time is passed in.
public struct CircuitBreaker: Sendable, Hashable {
    public enum State: String, Sendable { case closed, open, halfOpen = "half_open" }

    public var threshold: Int
    public var cooldown: TimeInterval
    public private(set) var state: State = .closed
    private var consecutiveFailures = 0
    private var openedAt: Date?

    public init(threshold: Int = 5, cooldown: TimeInterval = 30) {
        self.threshold = threshold
        self.cooldown = cooldown
    }

    /// Whether a send may go to this instance now; moves open → half-open once the cooldown has passed.
    public mutating func allows(now: Date) -> Bool {
        switch state {
        case .closed, .halfOpen: return true
        case .open:
            guard let openedAt, now.timeIntervalSince(openedAt) >= cooldown else { return false }
            state = .halfOpen
            return true
        }
    }

    public mutating func recordSuccess() {
        consecutiveFailures = 0
        state = .closed
        openedAt = nil
    }

    public mutating func recordFailure(now: Date) {
        consecutiveFailures += 1
        if state == .halfOpen || consecutiveFailures >= threshold {
            state = .open
            openedAt = now
        }
    }
}

/// Token bucket: `rate` sends per second with bursts up to `burst`. Pure; time is passed in.
public struct TokenBucket: Sendable, Hashable {
    public var rate: Double
    public var burst: Double
    private var tokens: Double
    private var updatedAt: Date?

    public init(rate: Double, burst: Double? = nil) {
        self.rate = rate
        self.burst = burst ?? max(rate, 1)
        self.tokens = self.burst
    }

    /// Takes a token if one is there; otherwise says how long until one will be.
    public mutating func take(now: Date) -> TimeInterval? {
        if let updatedAt { tokens = min(burst, tokens + now.timeIntervalSince(updatedAt) * rate) }
        updatedAt = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return (1 - tokens) / rate
    }
}

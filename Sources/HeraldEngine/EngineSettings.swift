import Foundation
import HeraldCore

/// Tunables of the queue's moving parts. Defaults suit one node on a small machine.
public struct EngineSettings: Sendable {
    /// Identifies this process's leases; unique per process.
    public var workerId: String
    public var fanoutBatchSize: Int
    public var claimBatchSize: Int
    /// How long a claimed delivery stays ours before another worker may take it over.
    public var sendLease: TimeInterval
    public var fanoutLease: TimeInterval
    /// How long an idle loop waits before looking again (new work wakes it sooner).
    public var idlePoll: TimeInterval
    public var retry: RetryPolicy
    /// Base of the RFC 8058 one-click unsubscribe links in marketing mail.
    public var publicBaseURL: String
    public var unsubscribeSecret: [UInt8]
    /// Signs `{{preferences_url}}` links (`/p/{token}`); nil falls back to the all-marketing `/u/` link.
    public var preferenceKeys: PreferenceKeys?
    /// Due work of at least this priority also has its own dispatch loop (transactional defaults to 5).
    public var expressPriority: Int
    /// `contact_ids` audiences up to this size are fanned out at intake, in the job's own transaction.
    public var inlineFanoutMax: Int
    /// `policy.sms.max_segments`: a rendered SMS longer than this fails instead of going out (nil: no limit).
    public var smsMaxSegments: Int?

    public init(
        workerId: String = "worker-\(UUID().uuidString.prefix(8))", fanoutBatchSize: Int = 1000,
        claimBatchSize: Int = 500, sendLease: TimeInterval = 120, fanoutLease: TimeInterval = 60,
        idlePoll: TimeInterval = 0.25, retry: RetryPolicy = RetryPolicy(), publicBaseURL: String = "http://127.0.0.1:8025",
        unsubscribeSecret: [UInt8] = [], expressPriority: Int = 5, inlineFanoutMax: Int = 100
    ) {
        self.expressPriority = expressPriority
        self.inlineFanoutMax = inlineFanoutMax
        self.workerId = workerId
        self.fanoutBatchSize = fanoutBatchSize
        self.claimBatchSize = claimBatchSize
        self.sendLease = sendLease
        self.fanoutLease = fanoutLease
        self.idlePoll = idlePoll
        self.retry = retry
        self.publicBaseURL = publicBaseURL
        self.unsubscribeSecret = unsubscribeSecret
    }
}

/// Exponential backoff with full jitter, capped, for transient failures.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var base: TimeInterval
    public var cap: TimeInterval

    public init(maxAttempts: Int = 6, base: TimeInterval = 2, cap: TimeInterval = 600) {
        self.maxAttempts = maxAttempts
        self.base = base
        self.cap = cap
    }

    /// Delay before attempt `attempt + 1`; `jitter` in [0, 1) spreads retries so they don't stampede.
    /// A provider's Retry-After is a floor, up to `longestRetryAfter`: a provider answering
    /// `Retry-After: 999999999` (or a date in 2099) parked its deliveries for decades and their job never completed.
    public func delay(afterAttempt attempt: Int, jitter: Double, retryAfter: TimeInterval?) -> TimeInterval {
        let exponential = min(cap, base * pow(2, Double(max(attempt - 1, 0))))
        let jittered = exponential / 2 + exponential / 2 * jitter
        return max(jittered, min(retryAfter ?? 0, Self.longestRetryAfter))
    }

    /// The longest a provider's Retry-After holds a delivery back: a day.
    public static let longestRetryAfter: TimeInterval = 86_400

    public func allowsRetry(afterAttempt attempt: Int) -> Bool { attempt < maxAttempts }
}

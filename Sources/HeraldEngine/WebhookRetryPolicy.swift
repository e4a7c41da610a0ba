import Foundation
import HeraldCore

/// When a failed webhook event is tried again, and when it is given up on. Pure; time and randomness are
/// passed in.
public struct WebhookRetryPolicy: Sendable {
    public var initial: TimeInterval
    public var maximum: TimeInterval
    public var horizon: TimeInterval

    public init(initial: TimeInterval, maximum: TimeInterval, horizon: TimeInterval) {
        self.initial = initial
        self.maximum = maximum
        self.horizon = horizon
    }

    public init(_ endpoint: WebhookEndpoint) {
        self.init(initial: endpoint.backoffInitial, maximum: endpoint.backoffMax, horizon: endpoint.retryHorizon)
    }

    /// Exponential backoff with jitter (between half and all of `initial·2^(attempts−1)`, capped), never
    /// sooner than the receiver's `Retry-After`; parked once the first failure is older than the horizon.
    /// `jitter` is in [0, 1].
    public func next(
        after retry: WebhookRetry?, eventId: Int64, now: Date, error: String, retryAfter: TimeInterval?, jitter: Double
    ) -> WebhookRetry {
        let attempts = (retry?.attempts ?? 0) + 1
        let firstFailedAt = retry?.firstFailedAt ?? now
        let exponential = min(maximum, initial * pow(2, Double(min(attempts - 1, 30))))
        let delay = max(exponential * (0.5 + 0.5 * jitter), retryAfter ?? 0)
        let parked = now.timeIntervalSince(firstFailedAt) >= horizon
        return WebhookRetry(
            eventId: eventId, status: parked ? .parked : .failed, attempts: attempts, firstFailedAt: firstFailedAt,
            nextAt: now.addingTimeInterval(delay), lastError: error)
    }

    /// `Retry-After` as seconds or an HTTP date; nil when absent or unreadable.
    public static func retryAfter(_ header: String?, now: Date) -> TimeInterval? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = TimeInterval(header) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: header).map { max(0, $0.timeIntervalSince(now)) }
    }
}

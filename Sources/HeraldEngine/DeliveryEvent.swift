import Foundation
import HeraldCore

/// One delivery state change as the engine saw it: what the live tail streams and the logs record.
/// Never carries an address or message content.
public struct DeliveryEvent: Codable, Sendable, Hashable {
    /// Assigned by the broadcaster: strictly increasing, so a client can see order and gaps.
    public var seq: UInt64
    public var at: Date
    /// Nil for rows fan-out has just written (the store assigns ids inside the batch).
    public var deliveryId: Int64?
    public var jobId: Int64
    public var contactId: String
    public var channel: ChannelKind
    public var state: DeliveryState
    public var reason: SuppressionReason?
    /// The channel instance that handled the last attempt, when there was one.
    public var instance: String?
    public var attempt: Int?
    public var notBefore: Date?
    /// A short, redacted reason (the last trace step or provider error).
    public var detail: String?

    public init(
        seq: UInt64 = 0, at: Date, deliveryId: Int64?, jobId: Int64, contactId: String, channel: ChannelKind,
        state: DeliveryState, reason: SuppressionReason? = nil, instance: String? = nil, attempt: Int? = nil,
        notBefore: Date? = nil, detail: String? = nil
    ) {
        self.seq = seq
        self.at = at
        self.deliveryId = deliveryId
        self.jobId = jobId
        self.contactId = contactId
        self.channel = channel
        self.state = state
        self.reason = reason
        self.instance = instance
        self.attempt = attempt
        self.notBefore = notBefore
        self.detail = detail
    }
}

/// Which events a live-tail subscriber wants: the same filters as `GET /v1/deliveries`.
public struct DeliveryEventFilter: Sendable, Hashable {
    public var jobId: Int64?
    public var contactId: String?
    public var channel: ChannelKind?
    public var state: DeliveryState?

    public init(jobId: Int64? = nil, contactId: String? = nil, channel: ChannelKind? = nil, state: DeliveryState? = nil) {
        self.jobId = jobId
        self.contactId = contactId
        self.channel = channel
        self.state = state
    }

    public var matchesEverything: Bool { jobId == nil && contactId == nil && channel == nil && state == nil }

    public func matches(_ event: DeliveryEvent) -> Bool {
        (jobId == nil || jobId == event.jobId) && (contactId == nil || contactId == event.contactId)
            && (channel == nil || channel == event.channel) && (state == nil || state == event.state)
    }
}

extension DeliveryEvent {
    /// Events for rows written by fan-out or queued as a fallback.
    static func planned(_ row: NewDelivery, at: Date) -> DeliveryEvent {
        DeliveryEvent(
            at: at, deliveryId: nil, jobId: row.jobId, contactId: row.contactId, channel: row.channel, state: row.state,
            reason: row.reason, notBefore: row.state == .scheduled ? row.notBefore : nil,
            detail: row.trace.last.map { "\($0.rule): \($0.detail)" })
    }

    static func claimed(_ claimed: ClaimedDelivery, at: Date) -> DeliveryEvent {
        DeliveryEvent(
            at: at, deliveryId: claimed.deliveryId, jobId: claimed.jobId, contactId: claimed.contact.id,
            channel: claimed.channel, state: .sending, attempt: claimed.attempt)
    }

    /// A verdict the policy gave at claim time instead of a send.
    static func decided(
        _ row: ClaimDecisions.VerdictRow, state: DeliveryState, reason: SuppressionReason? = nil,
        notBefore: Date? = nil, at: Date
    ) -> DeliveryEvent {
        DeliveryEvent(
            at: at, deliveryId: row.deliveryId, jobId: row.jobId, contactId: row.contactId, channel: row.channel,
            state: state, reason: reason, notBefore: notBefore, detail: row.detail)
    }

    static func outcome(_ outcome: DeliveryOutcome, of claimed: ClaimedDelivery, at: Date) -> DeliveryEvent {
        var event = DeliveryEvent(
            at: at, deliveryId: outcome.deliveryId, jobId: claimed.jobId, contactId: claimed.contact.id,
            channel: claimed.channel, state: .sent, instance: outcome.attempts.last?.instance, attempt: claimed.attempt)
        switch outcome.next {
        case .sent: event.state = .sent
        case .retry(let at):
            event.state = .scheduled
            event.notBefore = at
        case .failed: event.state = .failed
        case .suppressed(let reason):
            event.state = .suppressed
            event.reason = reason
        }
        event.detail = outcome.attempts.last?.error ?? outcome.trace.last?.detail
        return event
    }
}

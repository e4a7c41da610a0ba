import Foundation

/// What a status webhook reports (SPEC §8). The raw value is the `type` a receiver sees.
public enum WebhookEventType: String, Codable, Sendable, CaseIterable, Hashable {
    case jobAccepted = "job.accepted"
    case jobCompleted = "job.completed"
    case deliverySent = "delivery.sent"
    case deliveryDelivered = "delivery.delivered"
    case deliveryFailed = "delivery.failed"
    case deliverySuppressed = "delivery.suppressed"
    /// A delivery that was due was pushed later: a retry after a transient failure, or a policy verdict
    /// (quiet hours, a cap) at claim time.
    case deliveryDeferred = "delivery.deferred"
    /// Every consent-ledger event, whatever its source (API, STOP reply, one-click unsubscribe, import…).
    case consentChanged = "consent.changed"
    /// A contact row was deleted: the erasure work (SPEC §9) reports it without any code of its own.
    case contactErased = "contact.erased"

    /// The delivery state whose arrival this event reports, for the delivery events.
    public var deliveryState: DeliveryState? {
        switch self {
        case .deliverySent: .sent
        case .deliveryDelivered: .delivered
        case .deliveryFailed: .failed
        case .deliverySuppressed: .suppressed
        case .deliveryDeferred: .scheduled
        default: nil
        }
    }
}

/// Where an endpoint stands in the event log. On PostgreSQL events are read in (transaction id, id) order
/// and only below the oldest running transaction, so a transaction that commits late can never slip behind
/// a cursor; SQLite has one writer, commits in id order and leaves `xid` at 0.
public struct WebhookLogPosition: Sendable, Hashable, Comparable, Codable {
    public var xid: Int64
    public var id: Int64

    public init(xid: Int64 = 0, id: Int64 = 0) {
        self.xid = xid
        self.id = id
    }

    public static let start = WebhookLogPosition()

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.xid, lhs.id) < (rhs.xid, rhs.id) }
}

/// One row of the event log: the compact facts the store's trigger wrote in the transaction that changed
/// the state. The payload a receiver sees is formatted from these at dispatch time.
public struct WebhookEventRecord: Sendable, Hashable {
    public var id: Int64
    public var position: WebhookLogPosition
    public var type: WebhookEventType
    public var at: Date
    public var jobId: Int64?
    public var deliveryId: Int64?
    public var contactId: String?
    /// The delivery's channel kind, or the consent event's channel (a kind or `*`).
    public var channel: String?
    /// Suppression reason, the consent status, or the instance that sent.
    public var detail: String?
    /// The stored decision trace of a suppressed delivery (JSON), for the deciding rule.
    public var trace: String?
    /// The consent-ledger event id (`consent.changed`), or the provider message id (`delivery.sent`).
    public var reference: String?
    /// Consent topic and source for `consent.changed`.
    public var topic: String?
    public var source: String?

    public init(
        id: Int64, position: WebhookLogPosition, type: WebhookEventType, at: Date, jobId: Int64? = nil,
        deliveryId: Int64? = nil, contactId: String? = nil, channel: String? = nil, detail: String? = nil,
        trace: String? = nil, reference: String? = nil, topic: String? = nil, source: String? = nil
    ) {
        self.id = id
        self.position = position
        self.type = type
        self.at = at
        self.jobId = jobId
        self.deliveryId = deliveryId
        self.contactId = contactId
        self.channel = channel
        self.detail = detail
        self.trace = trace
        self.reference = reference
        self.topic = topic
        self.source = source
    }

    /// The id a receiver de-duplicates on: the same for every retry and replay of this event.
    public var eventId: String { "evt_\(id)" }
}

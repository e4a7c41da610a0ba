import Foundation
import HeraldCore

/// The body of one webhook POST: `{"webhook": ID, "events": [event…]}`, up to the endpoint's `batch`
/// events, oldest first. Formatted at send time from the compact facts in the log.
public struct WebhookEnvelope: Codable, Sendable {
    public var webhook: String
    public var events: [WebhookEventBody]
}

/// One event as a receiver sees it. `id` is stable across retries and replays: de-duplicate on it.
public struct WebhookEventBody: Codable, Sendable, Hashable {
    public var id: String
    public var type: WebhookEventType
    public var timestamp: Date
    public var data: WebhookEventData

    public init(_ event: WebhookEventRecord, job: JobSpec?) {
        id = event.eventId
        type = event.type
        timestamp = event.at
        data = WebhookEventData(event, job: job)
    }
}

public struct WebhookEventData: Codable, Sendable, Hashable {
    public var jobId: Int64?
    public var idempotencyKey: String?
    public var purpose: Purpose?
    public var topic: String?
    public var deliveryId: Int64?
    public var contactId: String?
    public var channel: String?
    /// The channel instance that sent (delivery.sent, delivered, failed).
    public var instance: String?
    public var providerMessageId: String?
    /// delivery.suppressed: the reason and the rule that decided it.
    public var reason: String?
    public var rule: String?
    /// delivery.deferred: when it is due again.
    public var notBefore: Date?
    /// consent.changed: granted or revoked, where it came from, and the ledger event.
    public var status: String?
    public var source: String?
    public var consentEventId: Int64?

    init(_ event: WebhookEventRecord, job: JobSpec?) {
        jobId = event.jobId
        idempotencyKey = job?.idempotencyKey
        purpose = job?.purpose
        topic = event.type == .consentChanged ? event.topic : job?.topic
        deliveryId = event.deliveryId
        contactId = event.contactId
        channel = event.channel
        switch event.type {
        case .deliverySent, .deliveryDelivered, .deliveryFailed:
            instance = event.detail
            providerMessageId = event.reference
        case .deliverySuppressed:
            reason = event.detail
            rule = event.trace.flatMap(Self.decidingRule)
        case .deliveryDeferred:
            notBefore = event.detail.flatMap(Int64.init).map(Date.init(milliseconds:))
        case .consentChanged:
            status = event.detail
            source = event.source
            consentEventId = event.reference.flatMap(Int64.init)
        case .jobAccepted, .jobCompleted, .contactErased:
            break
        }
    }

    /// The first step that suppressed, else the last step of the stored trace.
    static func decidingRule(_ trace: String) -> String? {
        guard let steps = try? TraceStep.decodeStored(trace) else { return nil }
        return (steps.first { $0.outcome == "suppress" } ?? steps.last)?.rule
    }
}

extension WebhookEnvelope {
    /// The body and its message id: the same events give the same id, so a receiver can also de-duplicate
    /// whole POSTs.
    static func encode(endpoint: String, events: [WebhookEventBody]) -> (id: String, body: [UInt8]) {
        let body = fastJSON(endpoint: endpoint, events: events)
        let key = events.map(\.id).joined(separator: ",")
        return ("msg_" + String(Hashing.sha256Hex(Array(key.utf8)).prefix(32)), Array(body))
    }
}

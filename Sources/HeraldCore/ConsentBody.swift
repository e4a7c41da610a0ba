import Foundation

/// One consent event as `POST /v1/consents` and each line of a bulk import carry it, before validation.
public struct ConsentBody: Decodable, Sendable {
    public var contactId: String
    public var channel: String
    public var topic: String?
    public var status: ConsentStatus
    public var source: String
    public var evidence: JSONValue?
    public var actor: String?
    public var occurredAt: Date?

    /// The ledger input, or the first field that is wrong. `occurred_at` defaults to `now` and may not lie
    /// more than five minutes ahead of it; `actor` defaults to `defaultActor`. `evidence`, when given, is a
    /// JSON object (ip, user agent, form text and version…): a bare string or number names no fact.
    public func validated(now: Date, defaultActor: String) throws(HeraldError) -> ConsentInput {
        try Identifier.validate(contactId, field: "contact_id")
        guard channel == "*" || ChannelKind(rawValue: channel) != nil else {
            throw .invalid("channel", "must be a channel kind (email, sms, push, messenger) or \"*\"")
        }
        guard !source.isEmpty, source.count <= 100 else { throw .invalid("source", "must be 1–100 characters") }
        try Identifier.validateText(source, field: "source")
        if let actor { try Identifier.validate(actor, field: "actor", maxLength: 200) }
        if let topic { try Identifier.validate(topic, field: "topic", maxLength: Identifier.topicMaxLength) }
        if let evidence, evidence.objectValue == nil {
            throw .invalid("evidence", "expected an object, such as {\"ip\": …, \"form\": …}", code: "invalid_type")
        }
        if let occurredAt, occurredAt > now.addingTimeInterval(300) {
            throw .invalid("occurred_at", "is in the future")
        }
        return ConsentInput(
            contactId: contactId, channel: channel, topic: topic ?? "*", status: status, source: source,
            evidence: evidence, actor: actor ?? defaultActor, occurredAt: occurredAt ?? now)
    }
}

import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    func addConsentRoutes(to router: Router<HeraldRequestContext>) {
        router.post("/v1/consents") { request, context in
            try context.require(.enqueue, .compliance)
            let body = try await request.decodeJSON(ConsentBody.self, context: context)
            let input = try body.validated(now: deps.now(), defaultActor: context.role?.rawValue ?? "api")
            let event = try await deps.store.appendConsent(input, at: deps.now())
            return try JSONResponse.make(ConsentCreated(id: event.id, hash: event.hash), status: .created)
        }

        router.get("/v1/contacts/:id/consents") { _, context in
            try context.require(.compliance)
            let id = try context.identifier("id", field: "id")
            try await recordAccess(context, action: "consent_history", query: "contact_id=\(id)")
            let events = try await deps.store.consentEvents(contactId: id)
            return try JSONResponse.make(ConsentHistory(contactId: id, current: ConsentState.current(events), events: events))
        }
    }
}

struct ConsentBody: Decodable {
    var contactId: String
    var channel: String
    var topic: String?
    var status: ConsentStatus
    var source: String
    var evidence: JSONValue?
    var actor: String?
    var occurredAt: Date?

    func validated(now: Date, defaultActor: String) throws(HeraldError) -> ConsentInput {
        try Identifier.validate(contactId, field: "contact_id")
        guard channel == "*" || ChannelKind(rawValue: channel) != nil else {
            throw .invalid("channel", "must be a channel kind (email, sms, push, messenger) or \"*\"")
        }
        guard !source.isEmpty, source.count <= 100 else { throw .invalid("source", "must be 1–100 characters") }
        try Identifier.validateText(source, field: "source")
        if let actor { try Identifier.validate(actor, field: "actor", maxLength: 200) }
        if let topic { try Identifier.validate(topic, field: "topic", maxLength: Identifier.topicMaxLength) }
        if let occurredAt, occurredAt > now.addingTimeInterval(300) {
            throw .invalid("occurred_at", "is in the future")
        }
        return ConsentInput(
            contactId: contactId, channel: channel, topic: topic ?? "*", status: status, source: source,
            evidence: evidence, actor: actor ?? defaultActor, occurredAt: occurredAt ?? now)
    }
}

struct ConsentCreated: Encodable {
    var id: Int64
    var hash: String
}

struct ConsentHistory: Encodable {
    var contactId: String
    var current: [ConsentState]
    var events: [ConsentEvent]
}

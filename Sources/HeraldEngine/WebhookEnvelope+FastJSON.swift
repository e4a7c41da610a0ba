import Foundation
import HeraldCore

/// The envelope written by hand: a campaign is a hundred thousand events, and Foundation's encoder was
/// most of the sender's CPU. Same JSON as the Codable types (snake_case keys, nil fields left out), which
/// WebhookServiceTests read back.
extension WebhookEnvelope {
    static func fastJSON(endpoint: String, events: [WebhookEventBody]) -> [UInt8] {
        var out = "{\"webhook\":"
        out.reserveCapacity(64 + events.count * 320)
        FastJSON.appendString(endpoint, to: &out)
        out.append(",\"events\":[")
        for (index, event) in events.enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"id\":")
            FastJSON.appendString(event.id, to: &out)
            out.append(",\"type\":\"\(event.type.rawValue)\",\"timestamp\":\"\(FastJSON.timestamp(event.timestamp))\",")
            out.append("\"data\":")
            event.data.appendJSON(to: &out)
            out.append("}")
        }
        out.append("]}")
        return Array(out.utf8)
    }
}

extension WebhookEventData {
    func appendJSON(to out: inout String) {
        var first = true
        func key(_ name: String) {
            out.append(first ? "{\"" : ",\"")
            first = false
            out.append(name)
            out.append("\":")
        }
        func string(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            FastJSON.appendString(value, to: &out)
        }
        func number(_ name: String, _ value: Int64?) {
            guard let value else { return }
            key(name)
            out.append(String(value))
        }
        number("job_id", jobId)
        string("idempotency_key", idempotencyKey)
        string("purpose", purpose?.rawValue)
        string("topic", topic)
        number("delivery_id", deliveryId)
        string("contact_id", contactId)
        string("channel", channel)
        string("instance", instance)
        string("provider_message_id", providerMessageId)
        string("reason", reason)
        string("rule", rule)
        string("not_before", notBefore.map(FastJSON.timestamp))
        string("status", status)
        string("source", source)
        number("consent_event_id", consentEventId)
        out.append(first ? "{}" : "}")
    }
}

import Crypto
import Foundation

extension ConsentChain {
    /// Version 2: the contact id and evidence enter the hash only as keyed digests (see `ConsentSeal`).
    ///
    /// The hashed text is the canonical JSON of the event's fields — keys sorted, snake_case, absent optionals
    /// left out, instants as RFC 3339 UTC with milliseconds — followed by the previous event's hash. It is
    /// written by hand (FastJSON) rather than by `JSONEncoder`: every import and every `audit verify` hashes
    /// each event, and the Codable encoder was most of their cost.
    static func digestHash(of event: ConsentEvent, seal: ConsentSeal) -> String {
        var json = CanonicalObject()
        if let actor = event.actor { json.string("actor", actor) }
        json.string("channel", event.channel)
        if let evidence = seal.evidenceDigest { json.string("evidence", evidence) }
        json.raw("hash_version", String(seal.version))
        json.raw("id", String(event.id))
        json.string("occurred_at", FastJSON.timestamp(event.occurredAt))
        json.string("recorded_at", FastJSON.timestamp(event.recordedAt))
        json.string("source", event.source)
        json.string("status", event.status.rawValue)
        if let subject = seal.subjectDigest { json.string("subject", subject) }
        json.string("topic", event.topic)
        var bytes = Array(json.finished.utf8)
        bytes.append(contentsOf: event.prevHash.utf8)
        return Hex.string(SHA256.hash(data: bytes))
    }
}

/// A JSON object written key by key, in the order given (the caller sorts).
private struct CanonicalObject {
    private var text = "{"

    mutating func string(_ key: String, _ value: String) {
        open(key)
        FastJSON.appendString(value, to: &text)
    }

    mutating func raw(_ key: String, _ value: String) {
        open(key)
        text.append(value)
    }

    var finished: String { text + "}" }

    private mutating func open(_ key: String) {
        if text.utf8.count > 1 { text.append(",") }
        text.append("\"")
        text.append(key)
        text.append("\":")
    }
}

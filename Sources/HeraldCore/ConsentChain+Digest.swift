import Foundation

extension ConsentChain {
    /// Version 2: the contact id and evidence enter the hash only as keyed digests (see `ConsentSeal`).
    private struct DigestCanonical: Encodable {
        var hashVersion: Int
        var id: Int64
        var subject: String?
        var channel: String
        var topic: String
        var status: ConsentStatus
        var source: String
        var evidence: String?
        var actor: String?
        var occurredAt: Date
        var recordedAt: Date
    }

    static func digestHash(of event: ConsentEvent, seal: ConsentSeal) -> String {
        let canonical = DigestCanonical(
            hashVersion: seal.version, id: event.id, subject: seal.subjectDigest, channel: event.channel,
            topic: event.topic, status: event.status, source: event.source, evidence: seal.evidenceDigest,
            actor: event.actor, occurredAt: event.occurredAt, recordedAt: event.recordedAt)
        return chained(canonical, prevHash: event.prevHash)
    }
}

import Foundation
import HeraldCore
import Logging
import PostgresNIO

extension PostgresStore {
    /// One chain across every node: an advisory lock serializes appends, then the head is read and extended
    /// inside the same transaction.
    public func appendConsent(_ input: ConsentInput, at: Date) async throws -> ConsentEvent {
        try input.checkStorable()
        let evidence = try input.evidence.map { String(decoding: try HeraldJSON.encoder().encode($0), as: UTF8.self) }
        let logger = self.logger
        let event = try await transaction { connection in
            try await Self.appendConsent(input, evidence: evidence, at: at, connection, logger: logger)
        }
        if event.status == .revoked { await drainSends() }
        return event
    }

    /// Takes the chain's lock and appends one event at its head, inside the caller's transaction.
    static func appendConsent(
        _ input: ConsentInput, evidence: String?, at: Date, _ connection: PostgresConnection, logger: Logger
    ) async throws -> ConsentEvent {
        try await connection.rows("SELECT pg_advisory_xact_lock(\(LockKey.consentChain))", logger: logger)
        let head = try await connection.rows(
            "SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1", logger: logger
        ).first?.makeRandomAccess()
        let nextId = (try head?.get("id", as: Int64.self) ?? 0) + 1
        let prevHash = try head?.get("hash", as: String.self) ?? ConsentChain.genesis
        let event = ConsentEvent(id: nextId, input: input, recordedAt: at, prevHash: prevHash)
        let occurred = event.occurredAt.ms
        let recorded = event.recordedAt.ms
        let version = Int32(event.seal?.version ?? 1)
        try await connection.rows(
            """
            INSERT INTO consent_events (id, contact_id, channel, topic, status, source, evidence, actor,
            occurred_at, recorded_at, prev_hash, hash, hash_version, salt, subject_digest, evidence_digest)
            VALUES (\(event.id), \(event.contactId), \(event.channel), \(event.topic), \(event.status.rawValue),
            \(event.source), \(evidence), \(event.actor), \(occurred), \(recorded), \(event.prevHash), \(event.hash),
            \(version), \(event.seal?.salt), \(event.seal?.subjectDigest), \(event.seal?.evidenceDigest))
            """, logger: logger)
        return event
    }

    public func consentEvents(contactId: String) async throws -> [ConsentEvent] {
        try await rows("SELECT * FROM consent_events WHERE contact_id = \(contactId) ORDER BY id").map {
            try Self.consentEvent(from: $0)
        }
    }

    public func consentEvents(_ query: ConsentExportQuery) async throws -> [ConsentEvent] {
        // NULL bounds mean "open": one statement for every combination of filters.
        let since = query.since?.ms
        let until = query.until?.ms
        return try await rows(
            """
            SELECT * FROM consent_events WHERE id > \(query.afterId)
            AND (\(since)::bigint IS NULL OR recorded_at >= \(since)::bigint)
            AND (\(until)::bigint IS NULL OR recorded_at < \(until)::bigint)
            ORDER BY id LIMIT \(query.limit)
            """
        ).map { try Self.consentEvent(from: $0) }
    }

    static func consentEvent(from row: PostgresRow) throws -> ConsentEvent {
        let columns = row.makeRandomAccess()
        let evidence: String? = try columns.get("evidence")
        return ConsentEvent(
            id: try columns.get("id"),
            input: ConsentInput(
                contactId: try columns.get("contact_id"), channel: try columns.get("channel"),
                topic: try columns.get("topic"),
                status: ConsentStatus(rawValue: try columns.get("status")) ?? .revoked, source: try columns.get("source"),
                evidence: try evidence.map { try HeraldJSON.decoder().decode(JSONValue.self, from: Data($0.utf8)) },
                actor: try columns.get("actor"), occurredAt: Date(milliseconds: try columns.get("occurred_at"))),
            recordedAt: Date(milliseconds: try columns.get("recorded_at")), prevHash: try columns.get("prev_hash"),
            storedHash: try columns.get("hash"), seal: try seal(from: columns))
    }

    /// A ledger event as the policy sees it, decoded by position from `ConsentEvent.policyColumns`.
    static func policyConsentEvent(from row: PostgresRow) throws -> ConsentEvent {
        let (id, contactId, channel, topic, status, source, actor, occurredAt, recordedAt) =
            try row.decode((Int64, String, String, String, String, String, String?, Int64, Int64).self)
        return ConsentEvent(
            id: id,
            input: ConsentInput(
                contactId: contactId, channel: channel, topic: topic, status: ConsentStatus(rawValue: status) ?? .revoked,
                source: source, evidence: nil, actor: actor, occurredAt: Date(milliseconds: occurredAt)),
            recordedAt: Date(milliseconds: recordedAt), prevHash: "", storedHash: "")
    }

    private static func seal(from columns: PostgresRandomAccessRow) throws -> ConsentSeal? {
        let version = Int(try columns.get("hash_version", as: Int32.self))
        guard version != 1 else { return nil }
        return ConsentSeal(
            version: version, salt: try columns.get("salt"), subjectDigest: try columns.get("subject_digest"),
            evidenceDigest: try columns.get("evidence_digest"))
    }
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// Appends to the chain inside the single writer, so concurrent appends still form one chain.
    public func appendConsent(_ input: ConsentInput, at: Date) async throws -> ConsentEvent {
        try input.checkStorable()
        let evidence = try input.evidence.map { String(decoding: try HeraldJSON.encoder().encode($0), as: UTF8.self) }
        let event = try await write { db in try Self.appendConsent(input, evidence: evidence, at: at, db) }
        if event.status == .revoked { await sendFence.drain() }
        return event
    }

    /// Appends one event at the chain's head inside the caller's write transaction.
    static func appendConsent(_ input: ConsentInput, evidence: String?, at: Date, _ db: Database) throws -> ConsentEvent {
        let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1"))
        let nextId = (head?["id"] as Int64? ?? 0) + 1
        let event = ConsentEvent(id: nextId, input: input, recordedAt: at, prevHash: head?["hash"] ?? ConsentChain.genesis)
        try db.cachedStatement(sql: "INSERT INTO consent_events \(consentColumns) VALUES (\(placeholders(16)))")
            .executeDirect(db) { values in bindConsent(event, evidence: evidence, to: &values) }
        return event
    }

    static let consentColumns = """
        (id, contact_id, channel, topic, status, source, evidence, actor, occurred_at, recorded_at, prev_hash, hash,
        hash_version, salt, subject_digest, evidence_digest)
        """

    /// The 16 values of `consentColumns`, in order.
    static func bindConsent(_ event: ConsentEvent, evidence: String?, to values: inout DirectBinding) {
        values.add(event.id)
        values.add(event.contactId)
        values.add(event.channel)
        values.add(event.topic)
        values.add(event.status.rawValue)
        values.add(event.source)
        values.add(evidence)
        values.add(event.actor)
        values.add(event.occurredAt.ms)
        values.add(event.recordedAt.ms)
        values.add(event.prevHash)
        values.add(event.hash)
        values.add(event.seal?.version ?? 1)
        values.add(event.seal?.salt)
        values.add(event.seal?.subjectDigest)
        values.add(event.seal?.evidenceDigest)
    }

    public func consentEvents(contactId: String) async throws -> [ConsentEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM consent_events WHERE contact_id = ? ORDER BY id", arguments: [contactId]
            ).map { try Self.consentEvent(from: $0) }
        }
    }

    public func consentEvents(_ query: ConsentExportQuery) async throws -> [ConsentEvent] {
        var sql = "SELECT * FROM consent_events WHERE id > ?"
        var arguments: StatementArguments = [query.afterId]
        if let since = query.since { sql += " AND recorded_at >= ?"; arguments += [since.ms] }
        if let until = query.until { sql += " AND recorded_at < ?"; arguments += [until.ms] }
        sql += " ORDER BY id LIMIT ?"
        arguments += [query.limit]
        let finalSQL = sql
        let finalArguments = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: finalSQL, arguments: finalArguments).map { try Self.consentEvent(from: $0) }
        }
    }

    /// Ledger events newer than `eventId` for these contacts, in ledger order, as the policy reads them
    /// (`ConsentEvent.policyColumns`). Usually the ledger has not moved since `eventId` at all: its newest id says
    /// so in one lookup, instead of one per contact.
    static func consentEvents(_ db: Database, after eventId: Int64, contactIds: [String]) throws -> [ConsentEvent] {
        guard try newestConsentEventId(db) > eventId else { return [] }
        var events: [ConsentEvent] = []
        for list in InList.chunks(of: contactIds) {
            try db.cachedStatement(
                sql: "SELECT \(ConsentEvent.policyColumns) FROM consent_events WHERE id > ? AND contact_id IN (\(list.sql))"
            ).forEachDirect(db, bind: { $0.add(eventId); list.bind(to: &$0) }) { row in
                events.append(policyConsentEvent(from: row))
            }
        }
        return events.sorted { $0.id < $1.id }
    }

    /// The ledger's newest event id (0 while it is empty): a claim's consent watermark.
    static func newestConsentEventId(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(id), 0) FROM consent_events")) ?? 0
    }

    static func consentEvent(from row: Row) throws -> ConsentEvent {
        let evidence: String? = row["evidence"]
        return ConsentEvent(
            id: row["id"],
            input: ConsentInput(
                contactId: row["contact_id"], channel: row["channel"], topic: row["topic"],
                status: ConsentStatus(rawValue: row["status"]) ?? .revoked, source: row["source"],
                evidence: try evidence.map { text throws in try FastJSON.parse(text) },
                actor: row["actor"], occurredAt: Date(milliseconds: row["occurred_at"])),
            recordedAt: Date(milliseconds: row["recorded_at"]), prevHash: row["prev_hash"], storedHash: row["hash"],
            seal: seal(from: row))
    }

    /// A ledger event as the policy sees it, read with `ConsentEvent.policyColumns` by position.
    static func policyConsentEvent(from row: DirectColumns) -> ConsentEvent {
        ConsentEvent(
            id: row.int64(0),
            input: ConsentInput(
                contactId: row.string(1), channel: row.string(2), topic: row.string(3),
                status: ConsentStatus(rawValue: row.string(4)) ?? .revoked, source: row.string(5), evidence: nil,
                actor: row.optionalString(6), occurredAt: Date(milliseconds: row.int64(7))),
            recordedAt: Date(milliseconds: row.int64(8)), prevHash: "", storedHash: "")
    }

    private static func seal(from row: Row) -> ConsentSeal? {
        let version: Int = row["hash_version"] ?? 1
        guard version != 1 else { return nil }
        return ConsentSeal(
            version: version, salt: row["salt"], subjectDigest: row["subject_digest"],
            evidenceDigest: row["evidence_digest"])
    }
}

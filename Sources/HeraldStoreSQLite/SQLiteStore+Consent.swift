import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// Appends to the chain inside the single writer, so concurrent appends still form one chain.
    public func appendConsent(_ input: ConsentInput, at: Date) async throws -> ConsentEvent {
        try input.checkStorable()
        let evidence = try input.evidence.map { String(decoding: try HeraldJSON.encoder().encode($0), as: UTF8.self) }
        return try await pool.write { db in
            let head = try Row.fetchOne(db, sql: "SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1")
            let nextId = (head?["id"] as Int64? ?? 0) + 1
            let event = ConsentEvent(
                id: nextId, input: input, recordedAt: at, prevHash: head?["hash"] ?? ConsentChain.genesis)
            try db.execute(
                sql: """
                    INSERT INTO consent_events (id, contact_id, channel, topic, status, source, evidence, actor,
                    occurred_at, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    event.id, event.contactId, event.channel, event.topic, event.status.rawValue, event.source,
                    evidence, event.actor, event.occurredAt.ms, event.recordedAt.ms, event.prevHash, event.hash,
                ])
            return event
        }
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

    public func consentEvents(after eventId: Int64, contactIds: [String]) async throws -> [ConsentEvent] {
        guard !contactIds.isEmpty else { return [] }
        return try await pool.read { db in
            var events: [ConsentEvent] = []
            for chunk in contactIds.chunked(900) {
                events += try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM consent_events WHERE id > ? AND contact_id IN (\(placeholders(chunk.count)))
                        ORDER BY id
                        """,
                    arguments: [eventId] + StatementArguments(chunk)
                ).map { try Self.consentEvent(from: $0) }
            }
            return events.sorted { $0.id < $1.id }
        }
    }

    /// `withEvidence: false` leaves the evidence unread: the policy never looks at it.
    static func consentEvent(from row: Row, withEvidence: Bool = true) throws -> ConsentEvent {
        let evidence: String? = withEvidence ? row["evidence"] : nil
        return ConsentEvent(
            id: row["id"],
            input: ConsentInput(
                contactId: row["contact_id"], channel: row["channel"], topic: row["topic"],
                status: ConsentStatus(rawValue: row["status"]) ?? .revoked, source: row["source"],
                evidence: try evidence.map { text throws in try FastJSON.parse(text) },
                actor: row["actor"], occurredAt: Date(milliseconds: row["occurred_at"])),
            recordedAt: Date(milliseconds: row["recorded_at"]), prevHash: row["prev_hash"], storedHash: row["hash"])
    }
}

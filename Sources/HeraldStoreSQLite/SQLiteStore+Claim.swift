import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// One write transaction: pick due rows, load what the policy needs, decide (`ClaimDecider`), apply.
    /// SQLite has a single writer, so cap counters cannot race with another claim.
    public func claimDue(_ request: ClaimRequest) async throws -> [ClaimedDelivery] {
        try await pool.write { db in
            let due = try Self.dueRows(db, now: request.now, limit: request.limit)
            guard !due.isEmpty else { return [] }
            let contacts = try Self.fetchContacts(db, ids: Array(Set(due.map(\.contactId))))
            let contactById = Dictionary(contacts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let facts = try Self.loadFacts(
                db, contacts: contacts, since: request.now.addingTimeInterval(-request.policy.capLookback),
                excluding: Set(due.map(\.id)))
            let decider = ClaimDecider(policy: request.policy, now: request.now, specs: self.specCache)
            let decisions = try decider.decide(due, contacts: contactById, facts: facts)
            try Self.apply(db, decisions, request: request)
            return decisions.claimed
        }
    }

    private static func apply(_ db: Database, _ decisions: ClaimDecisions, request: ClaimRequest) throws {
        for send in decisions.sends {
            let id = send.delivery.deliveryId
            try db.run(
                sql: """
                    UPDATE deliveries SET state = 'sending', lease_owner = ?, lease_until = ?,
                    attempt_count = attempt_count + 1, send_trace = ?, updated_at = ? WHERE id = ?
                    """,
                arguments: [request.owner, request.leaseUntil.ms, send.trace, request.now.ms, id])
            // A re-claimed delivery (its worker died) replaces its old reservation.
            try db.run(sql: "DELETE FROM send_log WHERE delivery_id = ?", arguments: [id])
            // The reservation counts against caps from now on, for this batch and every other claimer.
            let reservation = send.reservation
            try db.run(
                sql: """
                    INSERT INTO send_log (contact_id, delivery_id, channel, purpose, topic, at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    send.delivery.contact.id, id, reservation.channel.rawValue, reservation.purpose.rawValue,
                    reservation.topic, reservation.at.ms,
                ])
        }
        for deferral in decisions.deferrals {
            try db.run(
                sql: """
                    UPDATE deliveries SET state = 'scheduled', not_before = ?, lease_owner = NULL,
                    send_trace = ?, updated_at = ? WHERE id = ?
                    """,
                arguments: [deferral.until.ms, deferral.trace, request.now.ms, deferral.deliveryId])
        }
        for suppression in decisions.suppressions {
            try suppress(db, id: suppression.deliveryId, reason: suppression.reason, trace: suppression.trace, at: request.now)
        }
    }

    /// Due waiting rows (transactional lane first) plus `sending` rows whose worker's lease ran out.
    private static func dueRows(_ db: Database, now: Date, limit: Int) throws -> [DueDelivery] {
        let sql = """
            SELECT d.id, d.job_id, d.contact_id, d.channel, d.attempt_count, j.spec, j.status FROM (
                SELECT id FROM deliveries WHERE state IN ('queued', 'scheduled') AND not_before <= ?1
                ORDER BY lane DESC, not_before LIMIT ?2) AS due
            JOIN deliveries d ON d.id = due.id JOIN jobs j ON j.id = d.job_id
            UNION ALL
            SELECT d.id, d.job_id, d.contact_id, d.channel, d.attempt_count, j.spec, j.status FROM deliveries d
            JOIN jobs j ON j.id = d.job_id
            WHERE d.state = 'sending' AND d.lease_until < ?1
            """
        var rows: [DueDelivery] = []
        for row in try Row.fetchAll(db, sql: sql + " LIMIT ?2", arguments: [now.ms, limit]) {
            guard let channel = ChannelKind(rawValue: row["channel"]) else { continue }
            rows.append(
                DueDelivery(
                    id: row["id"], jobId: row["job_id"], contactId: row["contact_id"], channel: channel,
                    attemptCount: row["attempt_count"], specJSON: row["spec"],
                    jobCancelled: (row["status"] as String) == JobStatus.cancelled.rawValue))
        }
        return rows
    }

    static func suppress(_ db: Database, id: Int64, reason: SuppressionReason, trace: String, at: Date) throws {
        try db.run(
            sql: """
                UPDATE deliveries SET state = 'suppressed', reason = ?, lease_owner = NULL, send_trace = ?,
                updated_at = ? WHERE id = ?
                """,
            arguments: [reason.rawValue, trace, at.ms, id])
    }
}

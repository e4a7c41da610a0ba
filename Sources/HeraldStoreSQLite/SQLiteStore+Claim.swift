import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    private struct DueRow {
        var id: Int64
        var jobId: Int64
        var contactId: String
        var channel: ChannelKind
        var attemptCount: Int
        var spec: String
        var jobCancelled: Bool
    }

    /// One write transaction: pick due rows, load what the policy needs, decide, apply. SQLite has a single
    /// writer, so cap counters cannot race with another claim.
    public func claimDue(_ request: ClaimRequest) async throws -> [ClaimedDelivery] {
        try await pool.write { db in
            let due = try Self.dueRows(db, now: request.now, limit: request.limit)
            guard !due.isEmpty else { return [] }
            let contacts = try Self.fetchContacts(db, ids: Array(Set(due.map(\.contactId))))
            let contactById = Dictionary(contacts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var facts = try Self.loadFacts(
                db, contacts: contacts, since: request.now.addingTimeInterval(-request.policy.capLookback),
                excluding: Set(due.map(\.id)))
            var claimed: [ClaimedDelivery] = []
            claimed.reserveCapacity(due.count)
            for row in due {
                let spec = try self.cachedSpec(jobId: row.jobId, json: row.spec)
                // A worker died mid-send after its job was cancelled: the cancel wins over the re-claim.
                if row.jobCancelled {
                    try Self.suppress(db, id: row.id, reason: .cancelled, trace: "[]", at: request.now)
                    continue
                }
                guard let contact = contactById[row.contactId] else {
                    try Self.suppress(db, id: row.id, reason: .noAddress, trace: "[]", at: request.now)
                    continue
                }
                let input = PolicyInput(
                    now: request.now, stage: .send, contact: contact, channel: row.channel, job: spec,
                    facts: facts[row.contactId] ?? ContactPolicyFacts())
                let decision = request.policy.decide(input)
                let trace = TraceStep.encode(decision.trace)
                switch decision.verdict {
                case .send:
                    try db.run(
                        sql: """
                            UPDATE deliveries SET state = 'sending', lease_owner = ?, lease_until = ?,
                            attempt_count = attempt_count + 1, send_trace = ?, updated_at = ? WHERE id = ?
                            """,
                        arguments: [request.owner, request.leaseUntil.ms, trace, request.now.ms, row.id])
                    // A re-claimed delivery (its worker died) replaces its old reservation.
                    try db.run(sql: "DELETE FROM send_log WHERE delivery_id = ?", arguments: [row.id])
                    // The reservation counts against caps from now on, for this batch and every other claimer.
                    try db.run(
                        sql: """
                            INSERT INTO send_log (contact_id, delivery_id, channel, purpose, topic, at)
                            VALUES (?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            row.contactId, row.id, row.channel.rawValue, spec.purpose.rawValue, spec.topic,
                            request.now.ms,
                        ])
                    facts[row.contactId, default: ContactPolicyFacts()].recentSends.append(
                        SendRecord(channel: row.channel, purpose: spec.purpose, topic: spec.topic, at: request.now))
                    claimed.append(
                        ClaimedDelivery(
                            deliveryId: row.id, jobId: row.jobId, contact: contact, channel: row.channel, job: spec,
                            attempt: row.attemptCount + 1))
                case .deferUntil(let date):
                    try db.run(
                        sql: """
                            UPDATE deliveries SET state = 'scheduled', not_before = ?, lease_owner = NULL,
                            send_trace = ?, updated_at = ? WHERE id = ?
                            """,
                        arguments: [date.ms, trace, request.now.ms, row.id])
                case .suppress(let reason):
                    try Self.suppress(db, id: row.id, reason: reason, trace: trace, at: request.now)
                }
            }
            return claimed
        }
    }

    /// Due waiting rows (transactional lane first) plus `sending` rows whose worker's lease ran out.
    private static func dueRows(_ db: Database, now: Date, limit: Int) throws -> [DueRow] {
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
        var rows: [DueRow] = []
        for row in try Row.fetchAll(db, sql: sql + " LIMIT ?2", arguments: [now.ms, limit]) {
            guard let channel = ChannelKind(rawValue: row["channel"]) else { continue }
            rows.append(
                DueRow(
                    id: row["id"], jobId: row["job_id"], contactId: row["contact_id"], channel: channel,
                    attemptCount: row["attempt_count"], spec: row["spec"],
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

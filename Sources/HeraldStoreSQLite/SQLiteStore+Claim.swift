import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// One write transaction: pick due rows, load what the policy needs, decide (`ClaimDecider`), apply.
    /// SQLite has a single writer, so cap counters cannot race with another claim.
    public func claimDue(_ request: ClaimRequest) async throws -> ClaimDecisions {
        try await write(urgent: request.isUrgent) { db in
            let due = try Self.dueRows(db, now: request.now, limit: request.limit, minPriority: request.minPriority)
            guard !due.isEmpty else { return ClaimDecisions() }
            // Read before the facts, in the same transaction: every event up to it is in the facts.
            let watermark = try Self.newestConsentEventId(db)
            let stops = try Self.sendStops(db)
            let deletions = try Self.contactDeletions(db)
            let contacts = try Self.fetchContacts(db, ids: Array(Set(due.map(\.contactId))))
            let contactById = Dictionary(contacts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let facts = try Self.loadFacts(
                db, contacts: contacts, since: request.now.addingTimeInterval(-request.policy.capLookback),
                excluding: Set(due.map(\.id)), erased: self.erasedAddresses)
            let decider = ClaimDecider(policy: request.policy, now: request.now, specs: self.specCache)
            var decisions = try decider.decideInParallel(due, contacts: contactById, facts: facts)
            decisions.consentWatermark = watermark
            decisions.stopWatermark = stops
            decisions.contactDeletions = deletions
            try Self.apply(db, decisions, request: request)
            try Self.recordCompletedJobs(db, deliveryIds: decisions.suppressions.map(\.deliveryId), at: request.now)
            return decisions
        }
    }

    /// A sent delivery's claim: one row, by id. Its trace is written by the outcome's update
    /// (`ClaimedDelivery.decisionTrace`), so the trace's bytes go into one row version, not two.
    static let leaseSQL = """
        UPDATE deliveries SET state = 'sending', lease_owner = ?, lease_until = ?,
        attempt_count = attempt_count + 1, updated_at = ? WHERE id = ?
        """

    /// Applies the verdict groups. Inserts and deletes are multi-row statements; the state updates stay one
    /// cached statement per row, which measured faster in SQLite than `UPDATE … FROM (VALUES …)` (that form
    /// materializes the joined rows, traces included, before writing them).
    private static func apply(_ db: Database, _ decisions: ClaimDecisions, request: ClaimRequest) throws {
        let now = request.now.ms
        let lease = try db.cachedStatement(sql: leaseSQL)
        let leaseUntil = request.leaseUntil.ms
        for send in decisions.sends {
            try lease.executeDirect(db) { row in
                row.add(request.owner)
                row.add(leaseUntil)
                row.add(now)
                row.add(send.delivery.deliveryId)
            }
        }
        // A re-claimed or retried delivery replaces its old reservation; a first attempt never had one
        // (reservations are only written here, with the attempt count raised in the same transaction).
        let reclaimed = decisions.sends.filter { $0.delivery.attempt > 1 }.map(\.delivery.deliveryId)
        try db.runBatched(reclaimed, columns: 1) { "DELETE FROM send_log WHERE delivery_id IN (VALUES \($0))" } bind: {
            id, values in values.add(id)
        }
        // The reservation counts against caps from now on, for this batch and every other claimer.
        let reserved = decisions.sends.compactMap { send in send.reservation.map { (send.delivery, $0) } }
        try db.runBatched(reserved, columns: 6) { values in
            "INSERT INTO send_log (contact_id, delivery_id, channel, purpose, topic, at) VALUES \(values)"
        } bind: { row, values in
            let (delivery, reservation) = row
            values.add(delivery.contact.id)
            values.add(delivery.deliveryId)
            values.add(reservation.channel.rawValue)
            values.add(reservation.purpose.rawValue)
            values.add(reservation.topic)
            values.add(reservation.at.ms)
        }
        for deferral in decisions.deferrals {
            try db.run(
                sql: """
                    UPDATE deliveries SET state = 'scheduled', not_before = ?, lease_owner = NULL,
                    send_trace = ?, updated_at = ? WHERE id = ?
                    """,
                arguments: [deferral.until.ms, deferral.trace, now, deferral.deliveryId])
        }
        for suppression in decisions.suppressions {
            try db.run(
                sql: """
                    UPDATE deliveries SET state = 'suppressed', reason = ?, lease_owner = NULL, send_trace = ?,
                    updated_at = ? WHERE id = ?
                    """,
                arguments: [suppression.reason.rawValue, suppression.trace, now, suppression.deliveryId])
        }
        try SQLiteDeliveryEvents.record(
            db, ids: decisions.deferrals.map(\.deliveryId) + decisions.suppressions.map(\.deliveryId))
    }

    /// Due waiting rows (highest priority first) plus `sending` rows whose worker's lease ran out. Each
    /// job's spec is read once per claim, not once per row.
    private static func dueRows(_ db: Database, now: Date, limit: Int, minPriority: Int) throws -> [DueDelivery] {
        let sql = """
            SELECT d.id, d.job_id, d.contact_id, d.channel, d.attempt_count FROM (
                SELECT id FROM deliveries WHERE state IN ('queued', 'scheduled') AND not_before <= ?1
                AND priority >= ?3 ORDER BY priority DESC, not_before LIMIT ?2) AS due
            JOIN deliveries d ON d.id = due.id
            UNION ALL
            SELECT id, job_id, contact_id, channel, attempt_count FROM deliveries
            WHERE state = 'sending' AND lease_until < ?1 AND priority >= ?3
            """
        var found: [(id: Int64, jobId: Int64, contactId: String, channel: String, attemptCount: Int)] = []
        found.reserveCapacity(limit)
        try db.cachedStatement(sql: sql + " LIMIT ?2").forEachDirect(db) { values in
            values.add(now.ms)
            values.add(limit)
            values.add(minPriority)
        } _: { row in
            found.append((row.int64(0), row.int64(1), row.string(2), row.string(3), row.int(4)))
        }
        var jobs: [Int64: (spec: String, cancelled: Bool)] = [:]
        for jobIds in InList.chunks(of: Set(found.map(\.jobId))) {
            try db.cachedStatement(sql: "SELECT id, spec, status FROM jobs WHERE id IN (\(jobIds.sql))")
                .forEachDirect(db, bind: { jobIds.bind(to: &$0) }) { row in
                    jobs[row.int64(0)] = (row.string(1), row.string(2) == JobStatus.cancelled.rawValue)
                }
        }
        var rows: [DueDelivery] = []
        rows.reserveCapacity(found.count)
        for row in found {
            guard let channel = ChannelKind(rawValue: row.channel), let job = jobs[row.jobId] else { continue }
            rows.append(
                DueDelivery(
                    id: row.id, jobId: row.jobId, contactId: row.contactId, channel: channel,
                    attemptCount: row.attemptCount, specJSON: job.spec, jobCancelled: job.cancelled))
        }
        return rows
    }
}

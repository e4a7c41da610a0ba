import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    /// One transaction: lease due rows with `SKIP LOCKED` (other nodes take other rows), lock the claimed
    /// contacts' rows in id order so no other node counts caps for them until this commits, load facts,
    /// decide (`ClaimDecider`, as in SQLite), and apply the verdicts in a few batched statements.
    public func claimDue(_ request: ClaimRequest) async throws -> [ClaimedDelivery] {
        try await transaction { connection in
            let due = try await self.lockDueRows(connection, now: request.now, limit: request.limit)
            guard !due.isEmpty else { return [] }
            let contactIds = Array(Set(due.map(\.contactId))).sorted()
            try await connection.rows(
                "SELECT id FROM contacts WHERE id = ANY(\(contactIds)::text[]) ORDER BY id FOR UPDATE",
                logger: self.logger)
            let contacts = try await Self.fetchContacts(connection, ids: contactIds, logger: self.logger)
            let contactById = Dictionary(contacts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let facts = try await Self.loadFacts(
                connection, contacts: contacts, since: request.now.addingTimeInterval(-request.policy.capLookback),
                logger: self.logger)
            let decider = ClaimDecider(policy: request.policy, now: request.now, specs: self.specCache)
            let decisions = try decider.decide(due, contacts: contactById, facts: facts)
            let verdicts = ClaimVerdicts(decisions)
            try await verdicts.apply(connection, request: request, logger: self.logger)
            return decisions.claimed
        }
    }

    /// Due waiting rows (transactional lane first), then `sending` rows whose worker's lease ran out, all
    /// locked for this transaction; rows another node holds are skipped, not waited for.
    private func lockDueRows(_ connection: PostgresConnection, now: Date, limit: Int) async throws -> [DueDelivery] {
        let nowMs = now.ms
        var rows = try await Self.dueRows(
            connection,
            """
            SELECT d.id, d.job_id, d.contact_id, d.channel, d.attempt_count, j.spec, j.status
            FROM deliveries d JOIN jobs j ON j.id = d.job_id
            WHERE d.state IN ('queued', 'scheduled') AND d.not_before <= \(nowMs)
            ORDER BY d.lane DESC, d.not_before LIMIT \(limit) FOR UPDATE OF d SKIP LOCKED
            """, logger: logger)
        let remaining = limit - rows.count
        guard remaining > 0 else { return rows }
        rows += try await Self.dueRows(
            connection,
            """
            SELECT d.id, d.job_id, d.contact_id, d.channel, d.attempt_count, j.spec, j.status
            FROM deliveries d JOIN jobs j ON j.id = d.job_id
            WHERE d.state = 'sending' AND d.lease_until < \(nowMs)
            ORDER BY d.lease_until LIMIT \(remaining) FOR UPDATE OF d SKIP LOCKED
            """, logger: logger)
        return rows
    }

    private static func dueRows(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws
        -> [DueDelivery]
    {
        var result: [DueDelivery] = []
        for row in try await connection.rows(query, logger: logger) {
            let columns = row.makeRandomAccess()
            guard let channel = ChannelKind(rawValue: try columns.get("channel")) else { continue }
            result.append(
                DueDelivery(
                    id: try columns.get("id"), jobId: try columns.get("job_id"), contactId: try columns.get("contact_id"),
                    channel: channel, attemptCount: try columns.get("attempt_count"), specJSON: try columns.get("spec"),
                    jobCancelled: try columns.get("status", as: String.self) == JobStatus.cancelled.rawValue))
        }
        return result
    }
}

import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    struct DueRow {
        var id: Int64
        var jobId: Int64
        var contactId: String
        var channel: ChannelKind
        var attemptCount: Int
        var spec: String
        var jobCancelled: Bool
    }

    /// One transaction: lease due rows with `SKIP LOCKED` (other nodes take other rows), lock the claimed
    /// contacts' rows in id order so no other node counts caps for them until this commits, load facts,
    /// decide, and apply the verdicts in a few batched statements.
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
            var facts = try await Self.loadFacts(
                connection, contacts: contacts, since: request.now.addingTimeInterval(-request.policy.capLookback),
                logger: self.logger)
            var verdicts = ClaimVerdicts()
            var claimed: [ClaimedDelivery] = []
            claimed.reserveCapacity(due.count)
            for row in due {
                let spec = try self.cachedSpec(jobId: row.jobId, json: row.spec)
                // A worker died mid-send after its job was cancelled: the cancel wins over the re-claim,
                // as in the SQLite store.
                if row.jobCancelled {
                    verdicts.suppress(row.id, reason: .cancelled, trace: "[]")
                    continue
                }
                guard let contact = contactById[row.contactId] else {
                    verdicts.suppress(row.id, reason: .noAddress, trace: "[]")
                    continue
                }
                let input = PolicyInput(
                    now: request.now, stage: .send, contact: contact, channel: row.channel, job: spec,
                    facts: facts[row.contactId] ?? ContactPolicyFacts())
                let decision = request.policy.decide(input)
                let trace = TraceStep.encode(decision.trace)
                switch decision.verdict {
                case .send:
                    verdicts.send(row, spec: spec, trace: trace)
                    // Later rows of this batch for the same contact see this send when counting caps.
                    facts[row.contactId, default: ContactPolicyFacts()].recentSends.append(
                        SendRecord(channel: row.channel, purpose: spec.purpose, topic: spec.topic, at: request.now))
                    claimed.append(
                        ClaimedDelivery(
                            deliveryId: row.id, jobId: row.jobId, contact: contact, channel: row.channel, job: spec,
                            attempt: row.attemptCount + 1))
                case .deferUntil(let date):
                    verdicts.deferred(row.id, until: date, trace: trace)
                case .suppress(let reason):
                    verdicts.suppress(row.id, reason: reason, trace: trace)
                }
            }
            try await verdicts.apply(connection, request: request, logger: self.logger)
            return claimed
        }
    }

    /// Due waiting rows (transactional lane first), then `sending` rows whose worker's lease ran out, all
    /// locked for this transaction; rows another node holds are skipped, not waited for.
    private func lockDueRows(_ connection: PostgresConnection, now: Date, limit: Int) async throws -> [DueRow] {
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
        -> [DueRow]
    {
        var result: [DueRow] = []
        for row in try await connection.rows(query, logger: logger) {
            let columns = row.makeRandomAccess()
            guard let channel = ChannelKind(rawValue: try columns.get("channel")) else { continue }
            result.append(
                DueRow(
                    id: try columns.get("id"), jobId: try columns.get("job_id"), contactId: try columns.get("contact_id"),
                    channel: channel, attemptCount: try columns.get("attempt_count"), spec: try columns.get("spec"),
                    jobCancelled: try columns.get("status", as: String.self) == JobStatus.cancelled.rawValue))
        }
        return result
    }
}

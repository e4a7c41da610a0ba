import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func claimFanout(owner: String, now: Date, leaseUntil: Date) async throws -> Job? {
        try await pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT * FROM jobs WHERE status IN ('accepted', 'fanning_out')
                        AND (fanout_lease_until IS NULL OR fanout_lease_until < ? OR fanout_owner = ?)
                        ORDER BY lane DESC, id LIMIT 1
                        """,
                    arguments: [now.ms, owner])
            else { return nil }
            var job = try Self.job(from: row)
            try db.run(
                sql: """
                    UPDATE jobs SET status = 'fanning_out', fanout_owner = ?, fanout_lease_until = ? WHERE id = ?
                    """,
                arguments: [owner, leaseUntil.ms, job.id])
            job.status = .fanningOut
            return job
        }
    }

    public func writeFanoutBatch(_ batch: FanoutBatch) async throws -> Bool {
        let traces = batch.deliveries.map { TraceStep.encode($0.trace) }
        let now = batch.at.ms
        return try await pool.write { db in
            let owned = try Bool.fetchOne(
                db, sql: "SELECT status = 'fanning_out' AND fanout_owner = ? FROM jobs WHERE id = ?",
                arguments: [batch.owner, batch.jobId])
            guard owned == true else { return false }
            // Multi-row statements: the per-statement cost is paid once per run of rows, not per delivery.
            try db.runBatched(Array(zip(batch.deliveries, traces)), columns: 10) { values in
                """
                INSERT OR IGNORE INTO deliveries
                (job_id, contact_id, channel, lane, state, reason, not_before, trace, created_at, updated_at)
                VALUES \(values)
                """
            } bind: { row, arguments in
                let (delivery, trace) = row
                arguments += [
                    delivery.jobId, delivery.contactId, delivery.channel.rawValue, delivery.lane.rawValue,
                    delivery.state.rawValue, delivery.reason?.rawValue, delivery.notBefore.ms, trace, now, now,
                ]
            }
            try db.run(
                sql: """
                    UPDATE jobs SET fanout_cursor = ?, audience_count = audience_count + ?, fanout_lease_until = ?,
                    status = ?, fanout_owner = CASE WHEN ? THEN NULL ELSE fanout_owner END
                    WHERE id = ?
                    """,
                arguments: [
                    batch.cursor, batch.audienceAdded, batch.leaseUntil.ms,
                    batch.finished ? JobStatus.active.rawValue : JobStatus.fanningOut.rawValue, batch.finished,
                    batch.jobId,
                ])
            return true
        }
    }

    public func policyFacts(for contacts: [Contact], since: Date) async throws -> [String: ContactPolicyFacts] {
        guard !contacts.isEmpty else { return [:] }
        return try await pool.read { db in try Self.loadFacts(db, contacts: contacts, since: since) }
    }

    /// Consents, recent sends and suppressed addresses for a batch of contacts, in three queries per chunk.
    /// `excluding` deliveries' own reservations: a re-claimed delivery must not count against itself.
    static func loadFacts(
        _ db: Database, contacts: [Contact], since: Date, excluding: Set<Int64> = []
    ) throws -> [String: ContactPolicyFacts] {
        var facts: [String: ContactPolicyFacts] = [:]
        facts.reserveCapacity(contacts.count)
        for contact in contacts { facts[contact.id] = ContactPolicyFacts() }
        let ids = contacts.map(\.id)
        for chunk in ids.chunked(900) {
            let args = StatementArguments(chunk)
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM consent_events WHERE contact_id IN (\(placeholders(chunk.count))) ORDER BY id",
                arguments: args)
            {
                let event = try consentEvent(from: row)
                facts[event.contactId]?.consents.append(event)
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT contact_id, delivery_id, channel, purpose, topic, at FROM send_log
                    WHERE contact_id IN (\(placeholders(chunk.count))) AND at > ?
                    """,
                arguments: args + [since.ms])
            {
                guard !excluding.contains(row["delivery_id"]), let channel = ChannelKind(rawValue: row["channel"]),
                    let purpose = Purpose(rawValue: row["purpose"])
                else { continue }
                let record = SendRecord(
                    channel: channel, purpose: purpose, topic: row["topic"], at: Date(milliseconds: row["at"]))
                facts[row["contact_id"] as String]?.recentSends.append(record)
            }
        }
        let addresses = contacts.flatMap { contact in ChannelKind.allCases.flatMap { contact.addresses(on: $0) } }
        let ownerOf = Dictionary(
            contacts.flatMap { contact in ChannelKind.allCases.flatMap { contact.addresses(on: $0) }.map { ($0, contact.id) } },
            uniquingKeysWith: { first, _ in first })
        for chunk in addresses.chunked(900) {
            for address in try String.fetchAll(
                db, sql: "SELECT address FROM suppressions WHERE address IN (\(placeholders(chunk.count)))",
                arguments: StatementArguments(chunk))
            {
                if let owner = ownerOf[address] { facts[owner]?.suppressedAddresses.insert(address) }
            }
        }
        return facts
    }
}

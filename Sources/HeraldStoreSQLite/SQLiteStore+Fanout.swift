import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func claimFanout(owner: String, now: Date, leaseUntil: Date) async throws -> Job? {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT * FROM jobs WHERE status IN ('accepted', 'fanning_out')
                            AND (fanout_lease_until IS NULL OR fanout_lease_until < ? OR fanout_owner = ?)
                            ORDER BY priority DESC, fanout_turn, id LIMIT 1
                            """),
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
        // Traces encoded before the transaction: the writer is held only to write, so an OTP waiting for its
        // turn waits less.
        let rows = DeliveryRows(batch.deliveries, at: batch.at.ms)
        return try await write { db in
            let owned = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT status = 'fanning_out' AND fanout_owner = ? FROM jobs WHERE id = ?"),
                arguments: [batch.owner, batch.jobId])
            guard owned == true else { return false }
            // The probe took a fifth of the writer's time per batch; erasures are rare.
            let deleted = try batch.contactDeletions.map { $0 != (try Self.contactDeletions(db)) } ?? true
            let gone = deleted ? try Self.goneContacts(db, of: batch.readContactIds) : []
            try Self.insertDeliveries(db, gone.isEmpty ? rows : rows.excluding(contacts: gone))
            try db.run(
                sql: """
                    UPDATE jobs SET fanout_cursor = ?, audience_count = audience_count + ?, fanout_lease_until = ?,
                    status = ?, fanout_owner = CASE WHEN ? THEN NULL ELSE fanout_owner END,
                    fanout_turn = (SELECT COALESCE(MAX(fanout_turn), 0) + 1 FROM jobs
                                   WHERE status IN ('accepted', 'fanning_out'))
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

    public func contactDeletions() async throws -> Int64? {
        try await pool.read { db in try Self.contactDeletions(db) }
    }

    static func contactDeletions(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT n FROM contact_deletions")) ?? 0
    }

    /// Which of `ids` no longer have a contact row (erased after the batch was read).
    static func goneContacts(_ db: Database, of ids: [String]) throws -> Set<String> {
        var gone = Set(ids)
        for list in InList.chunks(of: ids) {
            try db.cachedStatement(sql: "SELECT id FROM contacts WHERE id IN (\(list.sql))")
                .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in gone.remove(row.string(0)) }
        }
        return gone
    }

    /// New delivery rows in multi-row statements (the per-statement cost is paid once per run of rows); a row
    /// that already exists (same job, contact, channel) is left as it is.
    static func insertDeliveries(_ db: Database, _ deliveries: [NewDelivery], at now: Int64) throws {
        try insertDeliveries(db, DeliveryRows(deliveries, at: now))
    }

    static func insertDeliveries(_ db: Database, _ rows: DeliveryRows) throws {
        try SQLiteDeliveryEvents.recordingSuppressedInserts(db) { try rows.insert(db) }
    }

    public func releaseLeases(owner: String, at: Date) async throws {
        try await write { db in
            try db.run(
                sql: "UPDATE deliveries SET lease_until = ? WHERE state = 'sending' AND lease_owner = ?",
                arguments: [at.ms - 1, owner])
            try db.run(
                sql: "UPDATE jobs SET fanout_lease_until = NULL, fanout_owner = NULL WHERE fanout_owner = ?",
                arguments: [owner])
        }
    }

    public func policyFacts(for contacts: [Contact], since: Date) async throws -> [String: ContactPolicyFacts] {
        guard !contacts.isEmpty else { return [:] }
        return try await pool.read { db in
            try Self.loadFacts(db, contacts: contacts, since: since, erased: self.erasedAddresses)
        }
    }

    /// Consents, recent sends and suppressed addresses for a batch of contacts, in three queries per chunk.
    /// `excluding` deliveries' own reservations: a re-claimed delivery must not count against itself.
    static func loadFacts(
        _ db: Database, contacts: [Contact], since: Date, excluding: Set<Int64> = [], erased: ErasedAddressFilter
    ) throws -> [String: ContactPolicyFacts] {
        var facts: [String: ContactPolicyFacts] = [:]
        facts.reserveCapacity(contacts.count)
        for contact in contacts { facts[contact.id] = ContactPolicyFacts() }
        let ids = contacts.map(\.id)
        for list in InList.chunks(of: ids) {
            try db.cachedStatement(
                sql: "SELECT \(ConsentEvent.policyColumns) FROM consent_events WHERE contact_id IN (\(list.sql)) ORDER BY id"
            ).forEachDirect(db, bind: { list.bind(to: &$0) }) { row in
                let event = policyConsentEvent(from: row)
                facts[event.contactId]?.consents.append(event)
            }
            try db.cachedStatement(
                sql: """
                    SELECT contact_id, delivery_id, channel, purpose, topic, at FROM send_log
                    WHERE contact_id IN (\(list.sql)) AND at > ?
                    """
            ).forEachDirect(db, bind: { list.bind(to: &$0); $0.add(since.ms) }) { row in
                guard !excluding.contains(row.int64(1)), let channel = ChannelKind(rawValue: row.string(2)),
                    let purpose = Purpose(rawValue: row.string(3))
                else { return }
                let record = SendRecord(
                    channel: channel, purpose: purpose, topic: row.optionalString(4), at: Date(milliseconds: row.int64(5)))
                facts[row.string(0)]?.recentSends.append(record)
            }
        }
        let owners = AddressOwners(contacts)
        for list in InList.chunks(of: owners.spellings) {
            try db.cachedStatement(sql: "SELECT address FROM suppressions WHERE address IN (\(list.sql))")
                .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in
                    owners.forEachAddress(spelledAs: row.string(0)) { owner, address in
                        facts[owner]?.suppressedAddresses.insert(address)
                    }
                }
        }
        let byDigest = erased.digests(of: owners.spellings)
        for list in InList.chunks(of: byDigest.keys) {
            try db.cachedStatement(sql: "SELECT digest FROM erased_addresses WHERE digest IN (\(list.sql))")
                .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in
                    guard let spelling = byDigest[row.string(0)] else { return }
                    owners.forEachAddress(spelledAs: spelling) { owner, address in
                        facts[owner]?.erasedAddresses.insert(address)
                    }
                }
        }
        return facts
    }
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: ContactErasureStore {
    /// The writer zeroes every freed cell and page (`secure_delete`, set at open), and the TRUNCATE
    /// checkpoint after the transaction empties the WAL of the page images that still held the data.
    public func eraseContact(
        _ contactId: String, actor: String, at: Date, addressDigest: (@Sendable (String) -> String)?
    ) async throws -> ContactErasure? {
        let erasure = try await write { db in
            try Self.erase(contactId, actor: actor, at: at, addressDigest: addressDigest, db)
        }
        guard let erasure else { return nil }
        await sendFence.drain()
        try await checkpointWAL()
        return erasure
    }

    /// Copies the WAL into the file and truncates it; a reader still holding an old snapshot makes it a no-op
    /// for that round, so it is retried a few times.
    func checkpointWAL() async throws {
        for _ in 0..<5 {
            let busy = try await writeWithoutTransaction { db in
                try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")?[0] as Int? ?? 0
            }
            if busy == 0 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private static func erase(
        _ contactId: String, actor: String, at: Date, addressDigest: (@Sendable (String) -> String)?, _ db: Database
    ) throws -> ContactErasure? {
        let contact = try fetchContacts(db, ids: [contactId]).first
        let eventIds = try Int64.fetchAll(
            db, sql: "SELECT id FROM consent_events WHERE contact_id = ? ORDER BY id", arguments: [contactId])
        let deliveryCount = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM deliveries WHERE contact_id = ?", arguments: [contactId]) ?? 0
        guard contact != nil || !eventIds.isEmpty || deliveryCount > 0 else { return nil }

        let tombstone = ConsentErasure.makeTombstone()
        let addresses = contact?.allAddresses ?? []
        try db.execute(
            sql: """
                UPDATE consent_events SET contact_id = ?, evidence = NULL, salt = NULL,
                hash_version = CASE hash_version WHEN 1 THEN 0 ELSE hash_version END WHERE contact_id = ?
                """,
            arguments: [tombstone, contactId])
        let input = ConsentErasure.input(tombstone: tombstone, erasedEventIds: eventIds, actor: actor, at: at)
        let evidence = try input.evidence.map { String(decoding: try HeraldJSON.encoder().encode($0), as: UTF8.self) }
        let erasureEvent = try appendConsent(input, evidence: evidence, at: at, db)
        let cancelledIds = try Int64.fetchAll(
            db,
            sql: """
                UPDATE deliveries SET state = 'suppressed', reason = 'cancelled', updated_at = ?
                WHERE contact_id = ? AND state IN ('queued', 'scheduled') RETURNING id
                """,
            arguments: [at.ms, contactId])
        let cancelled = cancelledIds.count
        try SQLiteDeliveryEvents.record(db, ids: cancelledIds)
        try db.execute(
            sql: """
                UPDATE attempts SET error = NULL, provider_message_id = NULL
                WHERE delivery_id IN (SELECT id FROM deliveries WHERE contact_id = ?)
                """,
            arguments: [contactId])
        try db.execute(
            sql: """
                UPDATE deliveries SET contact_id = ?, trace = ?, send_trace = NULL, provider_message_id = NULL
                WHERE contact_id = ?
                """,
            arguments: [tombstone, ContactErasure.scrubbedTrace, contactId])
        try db.execute(sql: "DELETE FROM send_log WHERE contact_id = ?", arguments: [contactId])
        // Webhook events not yet sent move to the tombstone without their traces; the `contact.erased` event
        // that deleting the contact writes (trigger) names the id the caller asked to erase.
        try db.execute(
            sql: "UPDATE webhook_events SET contact_id = ?, trace = NULL WHERE contact_id = ?",
            arguments: [tombstone, contactId])
        try db.execute(sql: "DELETE FROM contacts WHERE id = ?", arguments: [contactId])
        // Bounce reports are kept by address (soft bounces are counted per address), so they go by address too.
        for address in EmailAddress.withOtherSpellings(addresses) {
            try db.execute(sql: "DELETE FROM suppressions WHERE address = ?", arguments: [address])
            try db.execute(sql: "DELETE FROM suppression_changes WHERE address = ?", arguments: [address])
            try db.execute(sql: "DELETE FROM email_bounces WHERE address = ?", arguments: [address])
        }
        for address in addresses {
            if let addressDigest {
                try db.execute(
                    sql: "INSERT INTO erased_addresses (digest, erased_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    arguments: [addressDigest(address), at.ms])
            }
        }
        let erasure = ContactErasure(
            tombstone: tombstone, ledgerEventId: erasureEvent.id, ledgerEventsErased: eventIds.count,
            deliveriesCancelled: cancelled, deliveriesScrubbed: deliveryCount,
            addressesBlocked: addressDigest == nil ? 0 : Set(addresses).count)
        return erasure
    }
}

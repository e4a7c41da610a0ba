import Foundation
import HeraldCore
import Logging
import PostgresNIO

extension PostgresStore: ContactErasureStore {
    /// One transaction under the chain's lock. The old row versions stay in the table files as dead tuples
    /// until VACUUM reuses their space; dumps and base backups taken afterwards hold none of it.
    public func eraseContact(
        _ contactId: String, actor: String, at: Date, addressDigest: (@Sendable (String) -> String)?
    ) async throws -> ContactErasure? {
        let logger = self.logger
        let erasure = try await transaction { connection in
            try await Self.erase(contactId, actor: actor, at: at, addressDigest: addressDigest, connection, logger)
        }
        if erasure != nil { await drainSends() }
        return erasure
    }

    private static func erase(
        _ contactId: String, actor: String, at: Date, addressDigest: (@Sendable (String) -> String)?,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> ContactErasure? {
        // The chain's lock first: no event for this contact can be appended while it is being erased.
        try await connection.rows("SELECT pg_advisory_xact_lock(\(LockKey.consentChain))", logger: logger)
        let contact = try decodeContacts(
            try await connection.rows("SELECT body FROM contacts WHERE id = \(contactId) FOR UPDATE", logger: logger)
        ).first
        let eventIds = try await connection.rows(
            "SELECT id FROM consent_events WHERE contact_id = \(contactId) ORDER BY id", logger: logger
        ).map { try $0.makeRandomAccess().get("id", as: Int64.self) }
        let deliveryCount = try await connection.rows(
            "SELECT count(*)::bigint AS n FROM deliveries WHERE contact_id = \(contactId)", logger: logger
        ).first.map { Int(try $0.makeRandomAccess().get("n", as: Int64.self)) } ?? 0
        guard contact != nil || !eventIds.isEmpty || deliveryCount > 0 else { return nil }

        let tombstone = ConsentErasure.makeTombstone()
        let addresses = contact?.allAddresses ?? []
        try await connection.rows(
            """
            UPDATE consent_events SET contact_id = \(tombstone), evidence = NULL, salt = NULL,
            hash_version = CASE hash_version WHEN 1 THEN 0 ELSE hash_version END WHERE contact_id = \(contactId)
            """, logger: logger)
        let input = ConsentErasure.input(tombstone: tombstone, erasedEventIds: eventIds, actor: actor, at: at)
        let evidence = try input.evidence.map { String(decoding: try HeraldJSON.encoder().encode($0), as: UTF8.self) }
        let erasureEvent = try await appendConsent(input, evidence: evidence, at: at, connection, logger: logger)
        let updated = at.ms
        let first = try await moveDeliveries(of: contactId, to: tombstone, at: updated, connection, logger)
        // A send's outcome that held one of these rows while the sweep waited for it read the row before it was
        // scrubbed, so it may have queued a fallback under the erased id. It has committed by now: the same sweep,
        // started after it, cancels and moves that fallback too.
        let late = try await moveDeliveries(of: contactId, to: tombstone, at: updated, connection, logger)
        // After both sweeps: an outcome that held a row logged its attempts with the provider's id before it committed.
        try await connection.rows(
            """
            UPDATE attempts SET error = NULL, provider_message_id = NULL
            WHERE delivery_id IN (SELECT id FROM deliveries WHERE contact_id = \(tombstone))
            """, logger: logger)
        try await connection.rows("DELETE FROM send_log WHERE contact_id = \(contactId)", logger: logger)
        // Webhook events not yet sent move to the tombstone without their traces; the `contact.erased` event
        // that deleting the contact writes (trigger) names the id the caller asked to erase. The sweeps' own
        // `delivery.suppressed` events were written under the tombstone with its trace, and lose it too, as on SQLite.
        try await connection.rows(
            """
            UPDATE webhook_events SET contact_id = \(tombstone), trace = NULL
            WHERE contact_id = \(contactId) OR contact_id = \(tombstone)
            """, logger: logger)
        try await connection.rows("DELETE FROM contacts WHERE id = \(contactId)", logger: logger)
        let spellings = EmailAddress.withOtherSpellings(addresses)
        try await connection.rows("DELETE FROM suppressions WHERE address = ANY(\(spellings)::text[])", logger: logger)
        try await connection.rows(
            "DELETE FROM suppression_changes WHERE address = ANY(\(spellings)::text[])", logger: logger)
        // Bounce reports are kept by address (soft bounces are counted per address), so they go by address too.
        try await connection.rows("DELETE FROM email_bounces WHERE address = ANY(\(spellings)::text[])", logger: logger)
        if let addressDigest {
            let digests = Array(Set(addresses.map(addressDigest)))
            try await connection.rows(
                """
                INSERT INTO erased_addresses (digest, erased_at) SELECT d, \(updated) FROM unnest(\(digests)::text[]) AS d
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let erasure = ContactErasure(
            tombstone: tombstone, ledgerEventId: erasureEvent.id, ledgerEventsErased: eventIds.count,
            deliveriesCancelled: first.cancelled + late.cancelled, deliveriesScrubbed: first.moved + late.moved,
            addressesBlocked: addressDigest == nil ? 0 : Set(addresses).count)
        return erasure
    }

    /// Cancels the contact's waiting deliveries and moves every one of its deliveries to the tombstone, scrubbed;
    /// returns how many it moved and how many of those it cancelled. Only a cancelled row's `updated_at` moves:
    /// moving a row to the tombstone changes no state a caller follows by time. The locking subquery reads each
    /// row's state as it stands after any wait for its lock (a send's outcome may have moved it meanwhile), so the
    /// update cancels exactly the rows still waiting; it locks in id order, as outcome batches do.
    private static func moveDeliveries(
        of contactId: String, to tombstone: String, at updated: Int64, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (moved: Int, cancelled: Int) {
        let scrubbedTrace = ContactErasure.scrubbedTrace
        let waiting = try await connection.rows(
            """
            UPDATE deliveries d SET contact_id = \(tombstone), trace = \(scrubbedTrace), send_trace = NULL,
            provider_message_id = NULL,
            state = CASE WHEN w.waiting THEN 'suppressed' ELSE d.state END,
            reason = CASE WHEN w.waiting THEN 'cancelled' ELSE d.reason END,
            updated_at = CASE WHEN w.waiting THEN \(updated) ELSE d.updated_at END
            FROM (SELECT id, state IN ('queued', 'scheduled') AS waiting FROM deliveries
                WHERE contact_id = \(contactId) ORDER BY id FOR UPDATE) w
            WHERE d.id = w.id RETURNING w.waiting
            """, logger: logger
        ).map { try $0.decode(Bool.self) }
        return (waiting.count, waiting.filter { $0 }.count)
    }
}

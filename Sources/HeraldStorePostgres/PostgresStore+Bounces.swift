import Foundation
import HeraldCore
import Logging
import PostgresNIO

extension PostgresStore: BounceStore {
    public func bouncedDelivery(id: Int64) async throws -> BouncedDelivery? {
        try await rows("SELECT id, contact_id, channel, instance, state FROM deliveries WHERE id = \(id)")
            .first.flatMap(Self.bouncedDelivery(from:))
    }

    public func bouncedDelivery(instance: String, messageId: String) async throws -> BouncedDelivery? {
        try await rows(
            """
            SELECT id, contact_id, channel, instance, state FROM deliveries
            WHERE provider_message_id = \(messageId) AND instance = \(instance) ORDER BY id LIMIT 1
            """
        ).first.flatMap(Self.bouncedDelivery(from:))
    }

    public func bounceReports(addresses: [String]) async throws -> [BounceReport] {
        guard !addresses.isEmpty else { return [] }
        return try await rows(
            """
            SELECT address, kind, delivery_id, status, source, at FROM email_bounces
            WHERE address = ANY(\(addresses)::text[]) ORDER BY id
            """
        ).map { row in
            let columns = row.makeRandomAccess()
            return BounceReport(
                address: try columns.get("address"),
                kind: BounceRecord.Kind(rawValue: try columns.get("kind", as: String.self)) ?? .hard,
                deliveryId: try columns.get("delivery_id"), status: try columns.get("status"),
                source: try columns.get("source"), at: Date(milliseconds: try columns.get("at")))
        }
    }

    public func recordBounce(_ bounce: BounceRecord, rule: SoftBounceRule, at: Date) async throws -> BounceResult {
        let now = at.ms
        return try await transaction { connection in
            if let deliveryId = bounce.deliveryId, let contactId = bounce.contactId,
                try await Self.lockDeliveryMovedAway(deliveryId, from: contactId, connection, self.logger)
            {
                return .erasedContact
            }
            try await connection.rows(
                """
                INSERT INTO email_bounces (address, kind, delivery_id, status, source, at)
                VALUES (\(bounce.address), \(bounce.kind.rawValue), \(bounce.deliveryId), \(bounce.status),
                \(bounce.source), \(now))
                """, logger: self.logger)
            var failed = false
            var softCount = 0
            let reason: String
            switch bounce.kind {
            case .hard:
                reason = "bounce"
                if let deliveryId = bounce.deliveryId {
                    failed = try await self.failBouncedDelivery(connection, deliveryId, bounce, at: now)
                }
            case .soft:
                reason = "soft_bounce"
                let since = at.addingTimeInterval(-rule.window).ms
                let count = try await connection.rows(
                    """
                    SELECT COUNT(DISTINCT COALESCE(delivery_id, -id)) FROM email_bounces
                    WHERE address = \(bounce.address) AND kind = 'soft' AND at > \(since)
                    """, logger: self.logger
                ).first?.decode(Int64.self) ?? 0
                softCount = Int(count)
                guard softCount >= rule.threshold else {
                    return BounceResult(deliveryFailed: false, suppressed: false, softBounces: softCount)
                }
            }
            let note = BounceNote.text(bounce, softCount: softCount)
            let actor = "bounce:\(bounce.source)"
            let inserted = try await connection.rows(
                """
                INSERT INTO suppressions (address, reason, note, created_at)
                VALUES (\(bounce.address), \(reason), \(note), \(now))
                ON CONFLICT (address) DO NOTHING RETURNING address
                """, logger: self.logger)
            if !inserted.isEmpty {
                try await connection.rows(
                    """
                    INSERT INTO suppression_changes (address, action, reason, note, actor, at)
                    VALUES (\(bounce.address), 'added', \(reason), \(note), \(actor), \(now))
                    """, logger: self.logger)
            }
            return BounceResult(deliveryFailed: failed, suppressed: !inserted.isEmpty, softBounces: softCount)
        }
    }

    /// Whether the delivery now names another contact (an erasure moved it to its tombstone; a delivery pruned since
    /// is not one), locking its row until the transaction ends: an erasure moves the row before it deletes the
    /// person's suppressions and bounce reports, so it waits for this transaction's writes and deletes them too, or
    /// this read waits for the erasure and finds the row moved.
    private static func lockDeliveryMovedAway(
        _ deliveryId: Int64, from contactId: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Bool {
        try await connection.rows("SELECT contact_id FROM deliveries WHERE id = \(deliveryId) FOR UPDATE", logger: logger)
            .first.map { try $0.decode(String.self) != contactId } ?? false
    }

    /// A sent (or delivered: some relays accept, then bounce) delivery becomes failed, with an attempt line.
    private func failBouncedDelivery(
        _ connection: PostgresConnection, _ deliveryId: Int64, _ bounce: BounceRecord, at now: Int64
    ) async throws -> Bool {
        let error = BounceNote.attemptError(bounce)
        let changed = try await connection.rows(
            """
            WITH failed AS (
                UPDATE deliveries SET state = 'failed', updated_at = \(now)
                WHERE id = \(deliveryId) AND state IN ('sent', 'delivered')
                RETURNING id, attempt_count, instance, provider_message_id)
            INSERT INTO attempts (delivery_id, number, at, latency_ms, instance, outcome, provider_message_id, error)
            SELECT id, GREATEST(attempt_count, 1), \(now), 0, COALESCE(instance, ''), 'invalid_address',
            provider_message_id, \(error) FROM failed RETURNING delivery_id
            """, logger: logger)
        return !changed.isEmpty
    }

    static func bouncedDelivery(from row: PostgresRow) -> BouncedDelivery? {
        let columns = row.makeRandomAccess()
        guard let id: Int64 = try? columns.get("id"), let contactId: String = try? columns.get("contact_id"),
            let channelText: String = try? columns.get("channel"), let channel = ChannelKind(rawValue: channelText),
            let stateText: String = try? columns.get("state"), let state = DeliveryState(rawValue: stateText)
        else { return nil }
        let instance: String? = try? columns.get("instance")
        return BouncedDelivery(deliveryId: id, contactId: contactId, channel: channel, instance: instance, state: state)
    }
}

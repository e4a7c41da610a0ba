import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    /// Attempts, state changes, fallbacks and address suppressions for a batch of sends, in one transaction.
    public func recordOutcomes(_ outcomes: [DeliveryOutcome], at: Date) async throws {
        guard !outcomes.isEmpty else { return }
        let followUps = outcomes.filter { $0.fallback != nil || !$0.invalidAddresses.isEmpty }
        let now = at.ms
        try await transaction { connection in
            let unsure = try await Self.applyOutcomes(connection, outcomes, at: now, logger: self.logger)
            let erased = try await Self.erasedDeliveries(connection, ids: unsure, logger: self.logger)
            if !erased.isEmpty {
                // As the erasure left the earlier attempts: the provider's id ties the message to its log of the address.
                try await connection.rows(
                    """
                    UPDATE attempts SET provider_message_id = NULL, error = NULL
                    WHERE delivery_id = ANY(\(Array(erased))::bigint[])
                    AND (provider_message_id IS NOT NULL OR error IS NOT NULL)
                    """, logger: self.logger)
            }
            let kept = followUps.filter { !erased.contains($0.deliveryId) }
            let invalid = Array(Set(kept.flatMap(\.invalidAddresses))).sorted()
            try await Self.insertDeliveries(connection, kept.compactMap(\.fallback), at: now, logger: self.logger)
            if !invalid.isEmpty {
                try await connection.rows(
                    """
                    INSERT INTO suppressions (address, reason, created_at)
                    SELECT address, 'invalid_address', \(now) FROM unnest(\(invalid)::text[]) AS address
                    ON CONFLICT (address) DO NOTHING
                    """, logger: self.logger)
            }
        }
    }

    /// Of these deliveries, the ones erased while their message was in flight. Their outcome queues no fallback
    /// (it would carry the erased contact's id), suppresses no address (it would bring the address back) and logs
    /// its attempts without the provider's id or error. Asked only for the rows `applyOutcomes` was unsure of.
    private static func erasedDeliveries(_ connection: PostgresConnection, ids: [Int64], logger: Logger) async throws
        -> Set<Int64>
    {
        guard !ids.isEmpty else { return [] }
        let erased = ContactErasure.scrubbedTrace
        let rows = try await connection.rows(
            "SELECT id FROM deliveries WHERE id = ANY(\(ids)::bigint[]) AND trace = \(erased)", logger: logger)
        return Set(try rows.map { try $0.decode(Int64.self) })
    }

    public func applyReceipt(instance: String, providerMessageId: String, state: DeliveryState, at: Date)
        async throws -> Bool
    {
        let updated = at.ms
        let changed = try await rows(
            """
            UPDATE deliveries SET state = \(state.rawValue), updated_at = \(updated)
            WHERE provider_message_id = \(providerMessageId) AND instance = \(instance)
            AND state IN ('sent', 'delivered') RETURNING id
            """)
        return !changed.isEmpty
    }
}

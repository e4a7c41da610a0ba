import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    /// Attempts, state changes, fallbacks and address suppressions for a batch of sends, in one transaction.
    public func recordOutcomes(_ outcomes: [DeliveryOutcome], at: Date) async throws {
        guard !outcomes.isEmpty else { return }
        let fallbacks = outcomes.compactMap(\.fallback)
        let invalid = Array(Set(outcomes.flatMap(\.invalidAddresses))).sorted()
        let now = at.ms
        try await transaction { connection in
            try await Self.applyOutcomes(connection, outcomes, at: now, logger: self.logger)
            try await Self.insertDeliveries(connection, fallbacks, at: now, logger: self.logger)
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

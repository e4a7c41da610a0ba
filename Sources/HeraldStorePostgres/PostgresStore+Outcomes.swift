import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    /// Attempts, state changes, fallbacks and address suppressions for a batch of sends, in one transaction.
    public func recordOutcomes(_ outcomes: [DeliveryOutcome], at: Date) async throws {
        guard !outcomes.isEmpty else { return }
        let traces = outcomes.map {
            $0.trace.isEmpty ? nil : TraceStep.encode($0.trace)
        }
        let fallbacks = outcomes.compactMap { outcome in
            outcome.fallback.map { ($0, TraceStep.encode($0.trace)) }
        }
        let attempts = outcomes.flatMap { outcome in outcome.attempts.map { (outcome.deliveryId, $0) } }
        let invalid = Array(Set(outcomes.flatMap(\.invalidAddresses))).sorted()
        let now = at.ms
        try await transaction { connection in
            try await Self.insertAttempts(connection, attempts, logger: self.logger)
            // In id order, so two nodes writing overlapping batches lock rows in the same order.
            for index in outcomes.indices.sorted(by: { outcomes[$0].deliveryId < outcomes[$1].deliveryId }) {
                try await Self.applyNext(connection, outcomes[index], trace: traces[index], at: now, logger: self.logger)
            }
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

    private static func insertAttempts(
        _ connection: PostgresConnection, _ attempts: [(Int64, Attempt)], logger: Logger
    ) async throws {
        try await connection.insertRows(
            into: "attempts",
            columns: [
                .init("delivery_id", "bigint"), .init("number", "bigint"), .init("at", "bigint"),
                .init("latency_ms", "bigint"), .init("instance", "text"), .init("outcome", "text"),
                .init("provider_message_id", "text"), .init("error", "text"),
            ],
            rows: attempts, logger: logger
        ) { row, bindings in
            let (deliveryId, attempt) = row
            bindings.append(deliveryId)
            bindings.append(Int64(attempt.number))
            bindings.append(attempt.at.ms)
            bindings.append(Int64(attempt.latencyMs))
            bindings.append(attempt.instance)
            bindings.append(attempt.outcome.rawValue)
            bindings.append(attempt.providerMessageId)
            bindings.append(attempt.error)
        }
    }

    /// Moves the delivery on, but only while this worker still holds its lease: a late answer for a delivery
    /// another worker re-claimed is kept as an attempt and changes nothing else.
    private static func applyNext(
        _ connection: PostgresConnection, _ outcome: DeliveryOutcome, trace: String?, at now: Int64, logger: Logger
    ) async throws {
        let last = outcome.attempts.last
        let (state, reason, notBefore): (DeliveryState, SuppressionReason?, Date?) =
            switch outcome.next {
            case .sent: (.sent, nil, nil)
            case .retry(let date): (.scheduled, nil, date)
            case .failed: (.failed, nil, nil)
            case .suppressed(let reason): (.suppressed, reason, nil)
            }
        let segments = outcome.smsSegments.map(Int64.init)
        let moved = try await connection.rows(
            """
            UPDATE deliveries SET state = \(state.rawValue), reason = \(reason?.rawValue)::text,
            not_before = COALESCE(\(notBefore?.ms)::bigint, not_before),
            lease_owner = NULL, lease_until = NULL, instance = COALESCE(\(last?.instance)::text, instance),
            provider_message_id = COALESCE(\(last?.providerMessageId)::text, provider_message_id),
            sms_segments = COALESCE(\(segments)::bigint, sms_segments),
            send_trace = COALESCE(\(trace)::text, send_trace), updated_at = \(now)
            WHERE id = \(outcome.deliveryId) AND state = 'sending' AND lease_owner = \(outcome.owner)
            RETURNING id
            """, logger: logger)
        // A late answer from a worker that lost the lease must not release the current owner's reservation.
        if state != .sent, !moved.isEmpty {
            // Nothing reached the contact: the cap reservation is released.
            try await connection.rows(
                "DELETE FROM send_log WHERE delivery_id = \(outcome.deliveryId)", logger: logger)
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

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// Attempts, state changes, fallbacks and address suppressions for a batch of sends, in one transaction.
    public func recordOutcomes(_ outcomes: [DeliveryOutcome], at: Date) async throws {
        guard !outcomes.isEmpty else { return }
        let traces = outcomes.map { $0.trace.isEmpty ? nil : TraceStep.encode($0.trace) }
        let fallbackTraces = outcomes.map { outcome in outcome.fallback.map { TraceStep.encode($0.trace) } }
        try await pool.write { db in
            let insertAttempt = try db.cachedStatement(
                sql: """
                    INSERT INTO attempts
                    (delivery_id, number, at, latency_ms, instance, outcome, provider_message_id, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for (index, outcome) in outcomes.enumerated() {
                for attempt in outcome.attempts {
                    try insertAttempt.execute(arguments: [
                        outcome.deliveryId, attempt.number, attempt.at.ms, attempt.latencyMs, attempt.instance,
                        attempt.outcome.rawValue, attempt.providerMessageId, attempt.error,
                    ])
                }
                try Self.applyNext(db, outcome, trace: traces[index], at: at)
                if let fallback = outcome.fallback, let trace = fallbackTraces[index] {
                    try db.run(
                        sql: """
                            INSERT OR IGNORE INTO deliveries
                            (job_id, contact_id, channel, lane, state, reason, not_before, trace, created_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            fallback.jobId, fallback.contactId, fallback.channel.rawValue, fallback.lane.rawValue,
                            fallback.state.rawValue, fallback.reason?.rawValue, fallback.notBefore.ms, trace, at.ms,
                            at.ms,
                        ])
                }
                for address in outcome.invalidAddresses {
                    try db.run(
                        sql: "INSERT OR IGNORE INTO suppressions (address, reason, created_at) VALUES (?, ?, ?)",
                        arguments: [address, "invalid_address", at.ms])
                }
            }
        }
    }

    /// Moves the delivery on, but only while this worker still holds its lease: a late answer for a delivery
    /// another worker re-claimed is kept as an attempt and changes nothing else.
    private static func applyNext(_ db: Database, _ outcome: DeliveryOutcome, trace: String?, at: Date) throws {
        let last = outcome.attempts.last
        let (state, reason, notBefore): (DeliveryState, SuppressionReason?, Date?) =
            switch outcome.next {
            case .sent: (.sent, nil, nil)
            case .retry(let date): (.scheduled, nil, date)
            case .failed: (.failed, nil, nil)
            case .suppressed(let reason): (.suppressed, reason, nil)
            }
        try db.run(
            sql: """
                UPDATE deliveries SET state = ?, reason = ?, not_before = COALESCE(?, not_before),
                lease_owner = NULL, lease_until = NULL, instance = COALESCE(?, instance),
                provider_message_id = COALESCE(?, provider_message_id), sms_segments = COALESCE(?, sms_segments),
                send_trace = COALESCE(?, send_trace), updated_at = ?
                WHERE id = ? AND state = 'sending' AND lease_owner = ?
                """,
            arguments: [
                state.rawValue, reason?.rawValue, notBefore?.ms, last?.instance, last?.providerMessageId,
                outcome.smsSegments, trace, at.ms, outcome.deliveryId, outcome.owner,
            ])
        // A stale answer (the lease moved to another worker) must not release that worker's reservation.
        if state != .sent, db.changesCount > 0 {
            // Nothing reached the contact: the cap reservation is released.
            try db.run(sql: "DELETE FROM send_log WHERE delivery_id = ?", arguments: [outcome.deliveryId])
        }
    }

    public func applyReceipt(instance: String, providerMessageId: String, state: DeliveryState, at: Date)
        async throws -> Bool
    {
        try await pool.write { db in
            try db.run(
                sql: """
                    UPDATE deliveries SET state = ?, updated_at = ?
                    WHERE provider_message_id = ? AND instance = ? AND state IN ('sent', 'delivered')
                    """,
                arguments: [state.rawValue, at.ms, providerMessageId, instance])
            return db.changesCount > 0
        }
    }
}

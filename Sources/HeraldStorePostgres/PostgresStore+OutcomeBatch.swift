import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    /// A batch of outcomes in one statement: the attempts are logged, each delivery moves on only while this
    /// worker still holds its lease (a late answer for a delivery another worker re-claimed is kept as an
    /// attempt and changes nothing else), and a delivery that did not reach its contact releases its cap
    /// reservation. Rows go in id order, so two nodes writing overlapping batches lock in the same order.
    /// Returns the deliveries that may have been erased in flight: those erased that it moved, and those it did not.
    static func applyOutcomes(_ connection: PostgresConnection, _ outcomes: [DeliveryOutcome], at now: Int64, logger: Logger)
        async throws -> [Int64]
    {
        let sorted = outcomes.sorted { $0.deliveryId < $1.deliveryId }
        let next = sorted.map(Self.nextState)
        let last = sorted.map { $0.attempts.last }
        let attempts = sorted.flatMap { outcome in outcome.attempts.map { (outcome.deliveryId, $0) } }
        let attempt = (
            deliveryIds: attempts.map { $0.0 }, numbers: attempts.map { Int64($0.1.number) },
            at: attempts.map { $0.1.at.ms }, latencies: attempts.map { Int64($0.1.latencyMs) },
            instances: attempts.map { $0.1.instance }, outcomes: attempts.map { $0.1.outcome.rawValue },
            providerIds: PostgresNullableArray(attempts.map { $0.1.providerMessageId }),
            errors: PostgresNullableArray(attempts.map { $0.1.error }))
        let outcome = (
            ids: sorted.map { $0.deliveryId }, owners: sorted.map { $0.owner }, states: next.map { $0.state },
            reasons: PostgresNullableArray(next.map { $0.reason }), notBefore: PostgresNullableArray(next.map { $0.notBefore }),
            instances: PostgresNullableArray(last.map { $0?.instance }),
            providerIds: PostgresNullableArray(last.map { $0?.providerMessageId }),
            segments: PostgresNullableArray(sorted.map { $0.smsSegments.map(Int64.init) }),
            traces: PostgresNullableArray(sorted.map(\.storedTrace)),
            erasedTraces: PostgresNullableArray(sorted.map(\.storedTraceAfterErasure)))
        // A row erased while its message was in flight (its trace is the erasure's) gets neither the decision's
        // trace nor the provider's id back (`DeliveryOutcome.storedTraceAfterErasure`). The statement returns the
        // rows it moved that were erased (the update sees an erasure it waited for) and those it did not move (late
        // answers), for the caller to look at: none, as a rule.
        let erased = ContactErasure.scrubbedTrace
        return try await connection.rows(
            """
            WITH outcome AS NOT MATERIALIZED (
                SELECT * FROM unnest(
                    \(outcome.ids)::bigint[], \(outcome.owners)::text[], \(outcome.states)::text[],
                    \(outcome.reasons)::text[], \(outcome.notBefore)::bigint[], \(outcome.instances)::text[],
                    \(outcome.providerIds)::text[], \(outcome.segments)::bigint[], \(outcome.traces)::text[],
                    \(outcome.erasedTraces)::text[])
                AS o(id, owner, state, reason, not_before, instance, provider_message_id, sms_segments, trace,
                trace_after_erasure)),
            logged AS (
                INSERT INTO attempts (delivery_id, number, at, latency_ms, instance, outcome, provider_message_id, error)
                SELECT * FROM unnest(
                    \(attempt.deliveryIds)::bigint[], \(attempt.numbers)::bigint[], \(attempt.at)::bigint[],
                    \(attempt.latencies)::bigint[], \(attempt.instances)::text[], \(attempt.outcomes)::text[],
                    \(attempt.providerIds)::text[], \(attempt.errors)::text[])),
            moved AS (
                UPDATE deliveries d SET state = o.state, reason = o.reason, not_before = COALESCE(o.not_before, d.not_before),
                lease_owner = NULL, lease_until = NULL, instance = COALESCE(o.instance, d.instance),
                provider_message_id = CASE WHEN d.trace = \(erased) THEN NULL
                    ELSE COALESCE(o.provider_message_id, d.provider_message_id) END,
                sms_segments = COALESCE(o.sms_segments, d.sms_segments),
                send_trace = CASE WHEN d.trace = \(erased) THEN o.trace_after_erasure ELSE COALESCE(o.trace, d.send_trace) END,
                updated_at = \(now)
                FROM outcome o WHERE d.id = o.id AND d.state = 'sending' AND d.lease_owner = o.owner
                RETURNING d.id, d.state, d.trace = \(erased) AS erased),
            released AS (DELETE FROM send_log WHERE delivery_id IN (SELECT id FROM moved WHERE state <> 'sent'))
            SELECT o.id FROM outcome o LEFT JOIN moved m ON m.id = o.id WHERE m.id IS NULL OR m.erased
            """, logger: logger
        ).map { try $0.decode(Int64.self) }
    }

    private static func nextState(_ outcome: DeliveryOutcome) -> (state: String, reason: String?, notBefore: Int64?) {
        switch outcome.next {
        case .sent: (DeliveryState.sent.rawValue, nil, nil)
        case .retry(let date): (DeliveryState.scheduled.rawValue, nil, date.ms)
        case .failed: (DeliveryState.failed.rawValue, nil, nil)
        case .suppressed(let reason): (DeliveryState.suppressed.rawValue, reason.rawValue, nil)
        }
    }
}

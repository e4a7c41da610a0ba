import Foundation
import HeraldCore
import PostgresNIO

/// The verdicts of one claim, gathered per kind and written in one statement over `unnest` arrays.
struct ClaimVerdicts {
    private var sendIds: [Int64] = []
    private var reservations: [(contactId: String, deliveryId: Int64, channel: String, purpose: String, topic: String?)] = []
    private var deferIds: [Int64] = []
    private var deferUntil: [Int64] = []
    private var deferTraces: [String] = []
    private var suppressIds: [Int64] = []
    private var suppressReasons: [String] = []
    private var suppressTraces: [String] = []

    /// The decider's groups as the columns of the `unnest` arrays below.
    init(_ decisions: ClaimDecisions) {
        for send in decisions.sends {
            sendIds.append(send.delivery.deliveryId)
            if let reservation = send.reservation {
                reservations.append(
                    (send.delivery.contact.id, send.delivery.deliveryId, reservation.channel.rawValue,
                     reservation.purpose.rawValue, reservation.topic))
            }
        }
        for deferral in decisions.deferrals {
            deferIds.append(deferral.deliveryId)
            deferUntil.append(deferral.until.ms)
            deferTraces.append(deferral.trace)
        }
        for suppression in decisions.suppressions {
            suppressIds.append(suppression.deliveryId)
            suppressReasons.append(suppression.reason.rawValue)
            suppressTraces.append(suppression.trace)
        }
    }

    /// Every verdict of the claim in one statement (one round trip): the state changes, the release of a
    /// re-claimed delivery's old cap reservation, and the new reservations, which count against caps from
    /// commit on for this batch and every other node.
    func apply(_ connection: PostgresConnection, request: ClaimRequest, logger: Logger) async throws {
        let ids = sendIds + deferIds + suppressIds
        guard !ids.isEmpty else { return }
        let states =
            Array(repeating: DeliveryState.sending.rawValue, count: sendIds.count)
            + Array(repeating: DeliveryState.scheduled.rawValue, count: deferIds.count)
            + Array(repeating: DeliveryState.suppressed.rawValue, count: suppressIds.count)
        let notBefore = PostgresNullableArray(
            Array(repeating: nil, count: sendIds.count) + deferUntil.map(Optional.some)
                + Array(repeating: nil, count: suppressIds.count))
        let reasons = PostgresNullableArray(
            Array(repeating: nil, count: sendIds.count + deferIds.count) + suppressReasons.map(Optional.some))
        // A send's trace is written by its outcome (`ClaimedDelivery.decisionTrace`).
        let traces = PostgresNullableArray(
            Array(repeating: nil, count: sendIds.count) + (deferTraces + suppressTraces).map(Optional.some))
        let reservedContacts = reservations.map { $0.contactId }
        let reservedIds = reservations.map { $0.deliveryId }
        let reservedChannels = reservations.map { $0.channel }
        let reservedPurposes = reservations.map { $0.purpose }
        let reservedTopics = PostgresNullableArray(reservations.map { $0.topic })
        let now = request.now.ms
        let until = request.leaseUntil.ms
        let owner = request.owner
        try await connection.rows(
            """
            WITH verdict AS (
                SELECT * FROM unnest(\(ids)::bigint[], \(states)::text[], \(notBefore)::bigint[], \(reasons)::text[],
                \(traces)::text[]) AS v(id, state, not_before, reason, trace)),
            changed AS (
                UPDATE deliveries d SET state = v.state,
                lease_owner = CASE WHEN v.state = 'sending' THEN \(owner) END,
                lease_until = CASE WHEN v.state = 'sending' THEN \(until) ELSE d.lease_until END,
                attempt_count = d.attempt_count + CASE WHEN v.state = 'sending' THEN 1 ELSE 0 END,
                not_before = COALESCE(v.not_before, d.not_before),
                reason = CASE WHEN v.state = 'suppressed' THEN v.reason ELSE d.reason END,
                send_trace = COALESCE(v.trace, d.send_trace), updated_at = \(now)
                FROM verdict v WHERE d.id = v.id),
            released AS (
                DELETE FROM send_log WHERE delivery_id = ANY(\(sendIds)::bigint[]))
            INSERT INTO send_log (contact_id, delivery_id, channel, purpose, topic, at)
            SELECT contact_id, delivery_id, channel, purpose, topic, \(now)
            FROM unnest(\(reservedContacts)::text[], \(reservedIds)::bigint[], \(reservedChannels)::text[],
            \(reservedPurposes)::text[], \(reservedTopics)::text[]) AS r(contact_id, delivery_id, channel, purpose, topic)
            """, logger: logger)
    }
}

import Foundation
import HeraldCore
import PostgresNIO

/// The verdicts of one claim (`ClaimDecisions`), as arrays so each kind is one statement over `unnest`.
struct ClaimVerdicts {
    private var sendIds: [Int64] = []
    private var sendTraces: [String] = []
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
            let reservation = send.reservation
            sendIds.append(send.delivery.deliveryId)
            sendTraces.append(send.trace)
            reservations.append(
                (send.delivery.contact.id, send.delivery.deliveryId, reservation.channel.rawValue,
                 reservation.purpose.rawValue, reservation.topic))
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

    func apply(_ connection: PostgresConnection, request: ClaimRequest, logger: Logger) async throws {
        let now = request.now.ms
        if !sendIds.isEmpty {
            let until = request.leaseUntil.ms
            try await connection.rows(
                """
                UPDATE deliveries SET state = 'sending', lease_owner = \(request.owner), lease_until = \(until),
                attempt_count = attempt_count + 1, send_trace = v.trace, updated_at = \(now)
                FROM unnest(\(sendIds)::bigint[], \(sendTraces)::text[]) AS v(id, trace) WHERE deliveries.id = v.id
                """, logger: logger)
            // A re-claimed delivery (its worker died) replaces its old reservation.
            try await connection.rows("DELETE FROM send_log WHERE delivery_id = ANY(\(sendIds)::bigint[])", logger: logger)
            // The reservation counts against caps from now on, for this batch and every other node.
            try await connection.insertRows(
                into: "send_log",
                columns: [
                    .init("contact_id", "text"), .init("delivery_id", "bigint"), .init("channel", "text"),
                    .init("purpose", "text"), .init("topic", "text"), .init("at", "bigint"),
                ],
                rows: reservations, logger: logger
            ) { reservation, bindings in
                bindings.append(reservation.contactId)
                bindings.append(reservation.deliveryId)
                bindings.append(reservation.channel)
                bindings.append(reservation.purpose)
                bindings.append(reservation.topic)
                bindings.append(now)
            }
        }
        if !deferIds.isEmpty {
            try await connection.rows(
                """
                UPDATE deliveries SET state = 'scheduled', not_before = v.nb, lease_owner = NULL,
                send_trace = v.trace, updated_at = \(now)
                FROM unnest(\(deferIds)::bigint[], \(deferUntil)::bigint[], \(deferTraces)::text[]) AS v(id, nb, trace)
                WHERE deliveries.id = v.id
                """, logger: logger)
        }
        if !suppressIds.isEmpty {
            try await connection.rows(
                """
                UPDATE deliveries SET state = 'suppressed', reason = v.reason, lease_owner = NULL,
                send_trace = v.trace, updated_at = \(now)
                FROM unnest(\(suppressIds)::bigint[], \(suppressReasons)::text[], \(suppressTraces)::text[])
                AS v(id, reason, trace) WHERE deliveries.id = v.id
                """, logger: logger)
        }
    }
}

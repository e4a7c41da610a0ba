import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// Attempts, state changes, fallbacks and address suppressions for a batch of sends, in one transaction,
    /// with a few multi-row statements for the whole batch.
    public func recordOutcomes(_ outcomes: [DeliveryOutcome], at: Date) async throws {
        guard !outcomes.isEmpty else { return }
        let changes = outcomes.map { StateChange($0) }
        let attempts = outcomes.flatMap { outcome in outcome.attempts.map { (outcome.deliveryId, $0) } }
        let followUps = outcomes.filter { $0.fallback != nil || !$0.invalidAddresses.isEmpty }
        try await write { db in
            // Rows erased while their message was in flight: their attempts are logged without the provider's id
            // or error, as the erasure left the earlier ones, and their follow-ups are dropped.
            let erased = try Self.erasedInFlight(db, outcomes)
            try db.runBatched(attempts, columns: 8) { values in
                """
                INSERT INTO attempts (delivery_id, number, at, latency_ms, instance, outcome, provider_message_id, error)
                VALUES \(values)
                """
            } bind: { row, values in
                let (deliveryId, attempt) = row
                let scrubbed = !erased.isEmpty && erased.contains(deliveryId)
                values.add(deliveryId)
                values.add(attempt.number)
                values.add(attempt.at.ms)
                values.add(attempt.latencyMs)
                values.add(attempt.instance)
                values.add(attempt.outcome.rawValue)
                values.add(scrubbed ? nil : attempt.providerMessageId)
                values.add(scrubbed ? nil : attempt.error)
            }
            let changed = try Self.applyStateChanges(db, changes, at: at)
            try SQLiteDeliveryEvents.record(db, ids: changed)
            let kept = followUps.filter { !erased.contains($0.deliveryId) }
            try Self.insertDeliveries(db, kept.compactMap(\.fallback), at: at.ms)
            try Self.recordCompletedJobs(db, deliveryIds: changes.map(\.deliveryId), at: at)
            for address in kept.flatMap(\.invalidAddresses) {
                try db.run(
                    sql: "INSERT OR IGNORE INTO suppressions (address, reason, created_at) VALUES (?, ?, ?)",
                    arguments: [address, "invalid_address", at.ms])
            }
        }
    }

    /// One delivery's next state as the columns of the batched update.
    private struct StateChange {
        var deliveryId: Int64
        var owner: String
        var state: DeliveryState
        var reason: SuppressionReason?
        var notBefore: Date?
        var instance: String?
        var providerMessageId: String?
        var smsSegments: Int?
        var trace: String?
        var traceAfterErasure: String?

        init(_ outcome: DeliveryOutcome) {
            deliveryId = outcome.deliveryId
            owner = outcome.owner
            (state, reason, notBefore) =
                switch outcome.next {
                case .sent: (.sent, nil, nil)
                case .retry(let date): (.scheduled, nil, date)
                case .failed: (.failed, nil, nil)
                case .suppressed(let reason): (.suppressed, reason, nil)
                }
            instance = outcome.attempts.last?.instance
            providerMessageId = outcome.attempts.last?.providerMessageId
            smsSegments = outcome.smsSegments
            trace = outcome.storedTrace
            traceAfterErasure = outcome.storedTraceAfterErasure
        }
    }

    /// A row erased while its message was in flight (its trace is the erasure's) gets neither the decision's
    /// trace nor the provider's id back (`DeliveryOutcome.storedTraceAfterErasure`).
    static let outcomeSQL = """
        UPDATE deliveries SET state = ?, reason = ?, not_before = COALESCE(?, not_before),
        lease_owner = NULL, lease_until = NULL, instance = COALESCE(?, instance),
        provider_message_id = CASE WHEN trace = \(erasedTrace) THEN NULL ELSE COALESCE(?, provider_message_id) END,
        sms_segments = COALESCE(?, sms_segments),
        send_trace = CASE WHEN trace = \(erasedTrace) THEN ? ELSE COALESCE(?, send_trace) END, updated_at = ?
        WHERE id = ? AND state = 'sending' AND lease_owner = ?
        """

    /// The outcomes' deliveries erased while their message was in flight; looked up only if a contact was deleted
    /// since their claims read the count (`DeliveryOutcome.contactDeletions`), so a campaign's sends ask nothing.
    private static func erasedInFlight(_ db: Database, _ outcomes: [DeliveryOutcome]) throws -> Set<Int64> {
        var claimedAt = Int64.max
        for outcome in outcomes { claimedAt = min(claimedAt, outcome.contactDeletions ?? -1) }
        if claimedAt >= 0, try contactDeletions(db) == claimedAt { return [] }
        return try erasedDeliveries(db, ids: outcomes.map(\.deliveryId))
    }

    /// Of these deliveries, the ones erased while their message was in flight. Their outcome queues no fallback
    /// (it would carry the erased contact's id), suppresses no address (it would bring the address back) and logs
    /// its attempts without the provider's id or error.
    private static func erasedDeliveries(_ db: Database, ids: [Int64]) throws -> Set<Int64> {
        var erased: Set<Int64> = []
        for chunk in InList.chunks(of: ids) {
            try db.cachedStatement(sql: "SELECT id FROM deliveries WHERE trace = \(erasedTrace) AND id IN (\(chunk.sql))")
                .forEachDirect(db, bind: { chunk.bind(to: &$0) }) { row in erased.insert(row.int64(0)) }
        }
        return erased
    }

    /// `ContactErasure.scrubbedTrace` as an SQL string literal.
    private static let erasedTrace = "'" + ContactErasure.scrubbedTrace.replacingOccurrences(of: "'", with: "''") + "'"

    /// Moves each delivery on, but only while its worker still holds the lease: a late answer for a delivery
    /// another worker re-claimed is kept as an attempt and changes nothing else. One cached statement per row
    /// (faster in SQLite than a joined multi-row update), then one batched release of reservations. Returns
    /// the deliveries that moved.
    private static func applyStateChanges(_ db: Database, _ changes: [StateChange], at: Date) throws -> [Int64] {
        let update = try db.cachedStatement(sql: outcomeSQL)
        var released: [Int64] = []
        var changed: [Int64] = []
        changed.reserveCapacity(changes.count)
        let now = at.ms
        for change in changes {
            try update.executeDirect(db) { row in
                row.add(change.state.rawValue)
                row.add(change.reason?.rawValue)
                row.add(change.notBefore?.ms)
                row.add(change.instance)
                row.add(change.providerMessageId)
                row.add(change.smsSegments)
                row.add(change.traceAfterErasure)
                row.add(change.trace)
                row.add(now)
                row.add(change.deliveryId)
                row.add(change.owner)
            }
            // Nothing reached the contact: the cap reservation is released. Only for rows this worker still
            // held, so a stale answer never releases the reservation of the worker that re-claimed it.
            guard db.changesCount > 0 else { continue }
            changed.append(change.deliveryId)
            if change.state != .sent { released.append(change.deliveryId) }
        }
        try db.runBatched(released, columns: 1) { "DELETE FROM send_log WHERE delivery_id IN (VALUES \($0))" } bind: {
            id, values in values.add(id)
        }
        return changed
    }

    public func applyReceipt(instance: String, providerMessageId: String, state: DeliveryState, at: Date)
        async throws -> Bool
    {
        try await write { db in
            // A repeated receipt matches without moving the delivery, and reports no event.
            let moved = try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM deliveries
                    WHERE provider_message_id = ? AND instance = ? AND state IN ('sent', 'delivered') AND state <> ?
                    """,
                arguments: [providerMessageId, instance, state.rawValue])
            try db.run(
                sql: """
                    UPDATE deliveries SET state = ?, updated_at = ?
                    WHERE provider_message_id = ? AND instance = ? AND state IN ('sent', 'delivered')
                    """,
                arguments: [state.rawValue, at.ms, providerMessageId, instance])
            let matched = db.changesCount > 0
            try SQLiteDeliveryEvents.record(db, ids: moved)
            return matched
        }
    }
}

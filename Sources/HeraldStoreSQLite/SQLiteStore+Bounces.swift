import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: BounceStore {
    public func bouncedDelivery(id: Int64) async throws -> BouncedDelivery? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT id, contact_id, channel, instance, state FROM deliveries WHERE id = ?", arguments: [id]
            ).flatMap(Self.bouncedDelivery(from:))
        }
    }

    public func bouncedDelivery(instance: String, messageId: String) async throws -> BouncedDelivery? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT id, contact_id, channel, instance, state FROM deliveries
                    WHERE provider_message_id = ? AND instance = ? ORDER BY id LIMIT 1
                    """,
                arguments: [messageId, instance]
            ).flatMap(Self.bouncedDelivery(from:))
        }
    }

    public func bounceReports(addresses: [String]) async throws -> [BounceReport] {
        let unique = Array(Set(addresses))
        guard !unique.isEmpty else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT address, kind, delivery_id, status, source, at FROM email_bounces
                    WHERE address IN (\(databaseQuestionMarks(count: unique.count))) ORDER BY id
                    """,
                arguments: StatementArguments(unique)
            ).map { row in
                BounceReport(
                    address: row["address"], kind: BounceRecord.Kind(rawValue: row["kind"]) ?? .hard,
                    deliveryId: row["delivery_id"], status: row["status"], source: row["source"],
                    at: Date(milliseconds: row["at"]))
            }
        }
    }

    public func recordBounce(_ bounce: BounceRecord, rule: SoftBounceRule, at: Date) async throws -> BounceResult {
        try await write { db in
            if let deliveryId = bounce.deliveryId, let contactId = bounce.contactId,
                try Self.deliveryMovedAway(db, deliveryId, from: contactId)
            {
                return .erasedContact
            }
            try db.execute(
                sql: "INSERT INTO email_bounces (address, kind, delivery_id, status, source, at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [bounce.address, bounce.kind.rawValue, bounce.deliveryId, bounce.status, bounce.source, at.ms])
            var failed = false
            var softCount = 0
            let reason: String
            switch bounce.kind {
            case .hard:
                reason = "bounce"
                if let deliveryId = bounce.deliveryId { failed = try Self.failBouncedDelivery(db, deliveryId, bounce, at: at) }
            case .soft:
                reason = "soft_bounce"
                let since = at.addingTimeInterval(-rule.window).ms
                softCount =
                    try Int.fetchOne(
                        db, sql: "SELECT \(Self.distinctSoftBounces) FROM email_bounces WHERE address = ? AND kind = 'soft' AND at > ?",
                        arguments: [bounce.address, since]) ?? 0
                guard softCount >= rule.threshold else {
                    return BounceResult(deliveryFailed: false, suppressed: false, softBounces: softCount)
                }
            }
            let listed =
                try Bool.fetchOne(db, sql: "SELECT 1 FROM suppressions WHERE address = ?", arguments: [bounce.address])
                ?? false
            if !listed {
                let note = BounceNote.text(bounce, softCount: softCount)
                try db.execute(
                    sql: "INSERT INTO suppressions (address, reason, note, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [bounce.address, reason, note, at.ms])
                try db.execute(
                    sql: """
                        INSERT INTO suppression_changes (address, action, reason, note, actor, at)
                        VALUES (?, 'added', ?, ?, ?, ?)
                        """,
                    arguments: [bounce.address, reason, note, "bounce:\(bounce.source)", at.ms])
            }
            return BounceResult(deliveryFailed: failed, suppressed: !listed, softBounces: softCount)
        }
    }

    /// Whether the delivery now names another contact: an erasure moved it to its tombstone. A delivery pruned
    /// since (retention) is not one: the bounce is recorded without it.
    private static func deliveryMovedAway(_ db: Database, _ deliveryId: Int64, from contactId: String) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT contact_id FROM deliveries WHERE id = ?", arguments: [deliveryId])
            .map { $0 != contactId } ?? false
    }

    /// A sent (or delivered: some relays accept, then bounce) delivery becomes failed, with an attempt line.
    private static func failBouncedDelivery(_ db: Database, _ deliveryId: Int64, _ bounce: BounceRecord, at: Date) throws -> Bool {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT attempt_count, instance, provider_message_id FROM deliveries WHERE id = ? AND state IN ('sent', 'delivered')",
                arguments: [deliveryId])
        else { return false }
        try db.execute(
            sql: "UPDATE deliveries SET state = 'failed', updated_at = ? WHERE id = ?", arguments: [at.ms, deliveryId])
        try SQLiteDeliveryEvents.record(db, ids: [deliveryId])
        let number: Int = row["attempt_count"]
        let instance: String? = row["instance"]
        try db.execute(
            sql: """
                INSERT INTO attempts (delivery_id, number, at, latency_ms, instance, outcome, provider_message_id, error)
                VALUES (?, ?, ?, 0, ?, 'invalid_address', ?, ?)
                """,
            arguments: [
                deliveryId, max(number, 1), at.ms, instance ?? "", row["provider_message_id"] as String?,
                BounceNote.attemptError(bounce),
            ])
        return true
    }

    /// Soft bounces count once per delivery (an MTA or ESP may report the same message twice); reports
    /// matched to no delivery count one each. PostgreSQL counts the same way.
    static let distinctSoftBounces = "COUNT(DISTINCT COALESCE(delivery_id, -id))"

    static func bouncedDelivery(from row: Row) -> BouncedDelivery? {
        guard let channel = ChannelKind(rawValue: row["channel"]), let state = DeliveryState(rawValue: row["state"]) else {
            return nil
        }
        return BouncedDelivery(
            deliveryId: row["id"], contactId: row["contact_id"], channel: channel, instance: row["instance"], state: state)
    }
}

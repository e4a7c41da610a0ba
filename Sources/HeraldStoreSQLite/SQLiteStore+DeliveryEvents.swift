import GRDB
import HeraldCore

/// `delivery.*` webhook events on SQLite, written by each path that moves a delivery, in its own transaction:
/// one multi-row `INSERT … SELECT` per batch for the rows it changed. Per-row triggers did the same and cost
/// the engine a fifth of its throughput (they fired on every claim and fan-out row, too); PostgreSQL keeps its
/// statement-level triggers, which are already one statement per batch. The recorded states are the rows of
/// `webhook_delivery_states`, written by `installWebhookEvents`: with none, each call is one probe of an empty
/// table.
enum SQLiteDeliveryEvents {
    /// Records the event of each delivery in `ids` whose current state is subscribed; callers pass only rows
    /// whose state (or, for `scheduled`, time) they just changed.
    static func record(_ db: Database, ids: [Int64]) throws {
        guard !ids.isEmpty, try isRecording(db) else { return }
        try db.runBatched(ids, columns: 1) { values in
            insert + " WHERE id IN (VALUES \(values)) AND state IN (SELECT state FROM webhook_delivery_states) ORDER BY id"
        } bind: { id, values in values.add(id) }
    }

    /// Runs `insertRows`, then records `delivery.suppressed` for the rows it inserted already suppressed
    /// (decided at fan-out). New rows take ids above the largest one: `deliveries` has no AUTOINCREMENT and
    /// SQLite one writer.
    static func recordingSuppressedInserts(_ db: Database, _ insertRows: () throws -> Void) throws {
        guard try isRecording(db) else { return try insertRows() }
        let before = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(id), 0) FROM deliveries")) ?? 0
        try insertRows()
        try db.run(
            sql: insert
                + " WHERE id > ? AND state = 'suppressed' AND EXISTS (SELECT 1 FROM webhook_delivery_states WHERE state = 'suppressed')",
            arguments: [before])
    }

    /// The states whose changes are recorded, replacing the previous subscription.
    static func subscribe(_ db: Database, states: [DeliveryState]) throws {
        try db.execute(sql: "DELETE FROM webhook_delivery_states")
        for state in states {
            try db.execute(sql: "INSERT INTO webhook_delivery_states (state) VALUES (?)", arguments: [state.rawValue])
        }
    }

    static func registerMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("loop_v2_delivery_event_states") { db in
            try db.execute(sql: "CREATE TABLE webhook_delivery_states (state TEXT PRIMARY KEY) WITHOUT ROWID")
        }
    }

    private static func isRecording(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM webhook_delivery_states)")) == true
    }

    /// The event of a delivery as it stands, before the `WHERE` that picks the rows.
    private static let insert = """
        INSERT INTO webhook_events (type, at, job_id, delivery_id, contact_id, channel, detail, trace, reference)
        SELECT CASE state WHEN 'scheduled' THEN 'delivery.deferred' ELSE 'delivery.' || state END,
        updated_at, job_id, id, contact_id, channel,
        CASE state WHEN 'suppressed' THEN reason WHEN 'scheduled' THEN CAST(not_before AS TEXT) ELSE instance END,
        CASE state WHEN 'suppressed' THEN COALESCE(send_trace, trace) END,
        provider_message_id
        FROM deliveries
        """
}

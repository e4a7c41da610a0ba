import GRDB
import HeraldCore

/// The triggers that write job, consent and erasure webhook events in the transaction of the change they
/// report. Only the subscribed types get one, so a store with no endpoint writes exactly what it wrote before.
/// Delivery events are written without triggers (`SQLiteDeliveryEvents`); their old trigger names stay in
/// `names` so that a database written by an earlier version loses them.
enum SQLiteWebhookTriggers {
    static let names = [
        "webhook_delivery_insert", "webhook_delivery_update", "webhook_job_active", "webhook_job_accepted",
        "webhook_consent", "webhook_contact_erased",
    ]
    static let pending = "('queued', 'scheduled', 'sending')"
    /// Milliseconds now, for rows that carry no time of their own (jobs, a deleted contact).
    static let now = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"

    static func statements(for types: Set<WebhookEventType>) -> [String] {
        var sql: [String] = []
        if types.contains(.jobCompleted) { sql += jobCompleted }
        if types.contains(.jobAccepted) {
            sql.append(
                """
                CREATE TRIGGER webhook_job_accepted AFTER INSERT ON jobs BEGIN
                INSERT INTO webhook_events (type, at, job_id) VALUES ('job.accepted', NEW.created_at, NEW.id);
                END
                """)
        }
        if types.contains(.consentChanged) {
            sql.append(
                """
                CREATE TRIGGER webhook_consent AFTER INSERT ON consent_events BEGIN
                INSERT INTO webhook_events (type, at, contact_id, channel, detail, reference, topic, source)
                VALUES ('consent.changed', NEW.recorded_at, NEW.contact_id, NEW.channel, NEW.status,
                CAST(NEW.id AS TEXT), NEW.topic, NEW.source);
                END
                """)
        }
        if types.contains(.contactErased) {
            sql.append(
                """
                CREATE TRIGGER webhook_contact_erased AFTER DELETE ON contacts BEGIN
                INSERT INTO webhook_events (type, at, contact_id) VALUES ('contact.erased', \(now), OLD.id);
                END
                """)
        }
        return sql
    }

    /// Fan-out finishing with nothing pending (every contact suppressed at fan-out, or sent meanwhile) completes
    /// the job too; a batch finishing a job's last deliveries is `recordCompletedJobs`.
    private static let jobCompleted = [
        """
        CREATE TRIGGER webhook_job_active AFTER UPDATE OF status ON jobs
        WHEN NEW.status = 'active' AND OLD.status <> 'active'
        BEGIN
        INSERT OR IGNORE INTO webhook_events (type, at, job_id) SELECT 'job.completed', \(now), NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE job_id = NEW.id AND state IN \(pending));
        END
        """,
    ]
}

extension SQLiteStore {
    public func installWebhookEvents(_ types: Set<WebhookEventType>, endpoints: [String]) async throws {
        try await write { db in
            for name in SQLiteWebhookTriggers.names { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
            for statement in SQLiteWebhookTriggers.statements(for: types) { try db.execute(sql: statement) }
            try SQLiteDeliveryEvents.subscribe(
                db, states: WebhookEventType.allCases.filter(types.contains).compactMap(\.deliveryState))
            // A new endpoint starts at the end of the log as it is now, in the transaction that starts
            // recording: it gets every event from here on and none from before it existed.
            let end = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM webhook_events") ?? 0
            for endpoint in endpoints {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO webhook_cursors (endpoint, xid, event_id) VALUES (?, 0, ?)",
                    arguments: [endpoint, end])
            }
        }
    }
}

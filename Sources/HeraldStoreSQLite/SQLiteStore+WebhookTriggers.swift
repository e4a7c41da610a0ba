import GRDB
import HeraldCore

/// The triggers that write webhook events in the transaction of the change they report. Only the
/// subscribed types get one, so a store with no endpoint writes exactly what it wrote before.
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
        let states = WebhookEventType.allCases.filter(types.contains).compactMap(\.deliveryState)
        if types.contains(.deliverySuppressed) {
            sql.append(
                """
                CREATE TRIGGER webhook_delivery_insert AFTER INSERT ON deliveries WHEN NEW.state = 'suppressed'
                BEGIN
                INSERT INTO webhook_events (type, at, job_id, delivery_id, contact_id, channel, detail, trace)
                VALUES ('delivery.suppressed', NEW.updated_at, NEW.job_id, NEW.id, NEW.contact_id, NEW.channel,
                NEW.reason, NEW.trace);
                END
                """)
        }
        if !states.isEmpty { sql.append(deliveryUpdate(states: states)) }
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

    /// A delivery's state change. Its `job.completed` comes after, from `recordCompletedJobs`, once per
    /// batch.
    private static func deliveryUpdate(states: [DeliveryState]) -> String {
        let list = states.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return """
            CREATE TRIGGER webhook_delivery_update AFTER UPDATE OF state, not_before ON deliveries
            WHEN NEW.state IN (\(list))
            AND (NEW.state <> OLD.state OR (NEW.state = 'scheduled' AND NEW.not_before <> OLD.not_before))
            BEGIN
            INSERT INTO webhook_events (type, at, job_id, delivery_id, contact_id, channel, detail, trace, reference)
                SELECT CASE NEW.state WHEN 'scheduled' THEN 'delivery.deferred' ELSE 'delivery.' || NEW.state END,
                NEW.updated_at, NEW.job_id, NEW.id, NEW.contact_id, NEW.channel,
                CASE NEW.state WHEN 'suppressed' THEN NEW.reason WHEN 'scheduled' THEN CAST(NEW.not_before AS TEXT)
                ELSE NEW.instance END,
                CASE NEW.state WHEN 'suppressed' THEN COALESCE(NEW.send_trace, NEW.trace) END,
                NEW.provider_message_id;
            END
            """
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
        try await pool.write { db in
            for name in SQLiteWebhookTriggers.names { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
            for statement in SQLiteWebhookTriggers.statements(for: types) { try db.execute(sql: statement) }
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

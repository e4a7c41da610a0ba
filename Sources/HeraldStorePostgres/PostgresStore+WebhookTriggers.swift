import HeraldCore
import PostgresNIO

/// The triggers that write webhook events in the transaction of the change they report. Statement-level
/// with transition tables, so a batch of a thousand state changes is one multi-row insert. Only the
/// subscribed types get one: a store with no endpoint writes exactly what it wrote before.
enum PostgresWebhookTriggers {
    static let drops = [
        "DROP TRIGGER IF EXISTS webhook_deliveries_insert ON deliveries",
        "DROP TRIGGER IF EXISTS webhook_deliveries_update ON deliveries",
        "DROP TRIGGER IF EXISTS webhook_job_accepted ON jobs",
        "DROP TRIGGER IF EXISTS webhook_job_active ON jobs",
        "DROP TRIGGER IF EXISTS webhook_consent ON consent_events",
        "DROP TRIGGER IF EXISTS webhook_contact_erased ON contacts",
    ]
    static let xid = "pg_current_xact_id()::text::bigint"
    static let pending = "('queued', 'scheduled', 'sending')"
    static let terminal = "('sent', 'delivered', 'failed', 'suppressed')"
    static let now = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    static func statements(for types: Set<WebhookEventType>) -> [String] {
        var sql: [String] = []
        let completed = types.contains(.jobCompleted)
        if types.contains(.deliverySuppressed) || completed {
            sql += deliveriesInsert(suppressed: types.contains(.deliverySuppressed), completed: completed)
        }
        let states = WebhookEventType.allCases.filter(types.contains).compactMap(\.deliveryState)
        if !states.isEmpty || completed { sql += deliveriesUpdate(states: states, completed: completed) }
        if completed {
            sql.append("CREATE INDEX IF NOT EXISTS webhook_pending_deliveries ON deliveries(job_id) WHERE state IN \(pending)")
            sql += function(
                "webhook_job_active",
                """
                INSERT INTO webhook_events (xid, type, at, job_id) SELECT \(xid), 'job.completed', \(now), NEW.id
                WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE job_id = NEW.id AND state IN \(pending))
                ON CONFLICT (job_id) WHERE type = 'job.completed' DO NOTHING;
                """,
                trigger: """
                    AFTER UPDATE ON jobs FOR EACH ROW WHEN (NEW.status = 'active' AND OLD.status <> 'active')
                    """)
        } else {
            sql.append("DROP INDEX IF EXISTS webhook_pending_deliveries")
        }
        if types.contains(.jobAccepted) {
            sql += function(
                "webhook_job_accepted",
                "INSERT INTO webhook_events (xid, type, at, job_id) VALUES (\(xid), 'job.accepted', NEW.created_at, NEW.id);",
                trigger: "AFTER INSERT ON jobs FOR EACH ROW")
        }
        if types.contains(.consentChanged) {
            sql += function(
                "webhook_consent",
                """
                INSERT INTO webhook_events (xid, type, at, contact_id, channel, detail, reference, topic, source)
                SELECT \(xid), 'consent.changed', n.recorded_at, n.contact_id, n.channel, n.status, n.id::text, n.topic,
                n.source FROM new_rows n ORDER BY n.id;
                """,
                trigger: "AFTER INSERT ON consent_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT")
        }
        if types.contains(.contactErased) {
            sql += function(
                "webhook_contact_erased",
                """
                INSERT INTO webhook_events (xid, type, at, contact_id)
                SELECT \(xid), 'contact.erased', \(now), o.id FROM old_rows o ORDER BY o.id;
                """,
                trigger: "AFTER DELETE ON contacts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT")
        }
        return sql
    }

    /// Suppressed at fan-out is an event; a pending delivery added to a job (the next channel of `strategy:
    /// first`, in the transaction that failed the previous one) takes back a `job.completed` just written.
    private static func deliveriesInsert(suppressed: Bool, completed: Bool) -> [String] {
        var body = ""
        if suppressed {
            body += """
                INSERT INTO webhook_events (xid, type, at, job_id, delivery_id, contact_id, channel, detail, trace)
                SELECT \(xid), 'delivery.suppressed', n.updated_at, n.job_id, n.id, n.contact_id, n.channel, n.reason,
                n.trace FROM new_rows n WHERE n.state = 'suppressed' ORDER BY n.id;

                """
        }
        if completed {
            body += """
                DELETE FROM webhook_events WHERE type = 'job.completed'
                AND job_id IN (SELECT DISTINCT job_id FROM new_rows WHERE state IN \(pending));
                """
        }
        return function(
            "webhook_deliveries_insert", body,
            trigger: "AFTER INSERT ON deliveries REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT")
    }

    /// A job is completed when its fan-out is done and nothing is pending. Its row is locked first, so two
    /// transactions finishing its last deliveries at once cannot both miss the moment: the second waits,
    /// then sees the first's commit. Only jobs that had a delivery reach a final state are looked at.
    private static func deliveriesUpdate(states: [DeliveryState], completed: Bool) -> [String] {
        var body = ""
        if !states.isEmpty {
            let list = states.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            body += """
                INSERT INTO webhook_events (xid, type, at, job_id, delivery_id, contact_id, channel, detail, trace,
                reference)
                SELECT \(xid), CASE n.state WHEN 'scheduled' THEN 'delivery.deferred' ELSE 'delivery.' || n.state END,
                n.updated_at, n.job_id, n.id, n.contact_id, n.channel,
                CASE n.state WHEN 'suppressed' THEN n.reason WHEN 'scheduled' THEN n.not_before::text ELSE n.instance END,
                CASE WHEN n.state = 'suppressed' THEN COALESCE(n.send_trace, n.trace) END, n.provider_message_id
                FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE n.state IN (\(list))
                AND (n.state <> o.state OR (n.state = 'scheduled' AND n.not_before <> o.not_before))
                ORDER BY n.id;

                """
        }
        if completed {
            body += """
                PERFORM 1 FROM jobs WHERE id IN (SELECT n.job_id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE n.state IN \(terminal) AND o.state IN \(pending)) ORDER BY id FOR UPDATE;
                INSERT INTO webhook_events (xid, type, at, job_id)
                SELECT \(xid), 'job.completed', c.at, c.job_id FROM (
                SELECT n.job_id, max(n.updated_at) AS at FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE n.state IN \(terminal) AND o.state IN \(pending) GROUP BY n.job_id) c
                JOIN jobs j ON j.id = c.job_id
                WHERE j.status = 'active'
                AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.job_id = c.job_id AND d.state IN \(pending))
                ON CONFLICT (job_id) WHERE type = 'job.completed' DO NOTHING;
                """
        }
        return function(
            "webhook_deliveries_update", body,
            trigger: """
                AFTER UPDATE ON deliveries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT
                """)
    }

    private static func function(_ name: String, _ body: String, trigger: String) -> [String] {
        [
            """
            CREATE OR REPLACE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $herald$
            BEGIN
            \(body)
            RETURN NULL;
            END
            $herald$
            """,
            "CREATE TRIGGER \(name) \(trigger) EXECUTE FUNCTION \(name)()",
        ]
    }
}

extension PostgresStore {
    public func installWebhookEvents(_ types: Set<WebhookEventType>, endpoints: [String]) async throws {
        // DROP TRIGGER locks its table even when there is nothing to drop: a node without webhooks that
        // finds none installed leaves the tables alone, so its start never stalls the other nodes' work.
        if types.isEmpty, endpoints.isEmpty {
            let installed = try await rows(
                """
                SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'webhook\\_%'
                AND tgrelid IN (to_regclass('deliveries'), to_regclass('jobs'), to_regclass('consent_events'),
                to_regclass('contacts'))
                """)
            if installed.isEmpty { return }
        }
        try await transaction(deadline: nil) { connection in
            try await connection.rows("SELECT pg_advisory_xact_lock(\(LockKey.webhookTriggers))", logger: self.logger)
            for statement in PostgresWebhookTriggers.drops + PostgresWebhookTriggers.statements(for: types) {
                try await connection.rows(PostgresQuery(unsafeSQL: statement), logger: self.logger)
            }
            // A new endpoint starts after every event already committed, in the transaction that starts
            // recording: it gets every event from here on and none from before it existed.
            for endpoint in endpoints {
                try await connection.rows(
                    """
                    INSERT INTO webhook_cursors (endpoint, xid, event_id)
                    VALUES (\(endpoint), pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1, \(Int64.max))
                    ON CONFLICT (endpoint) DO NOTHING
                    """, logger: self.logger)
            }
        }
    }
}

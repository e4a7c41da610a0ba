import GRDB

extension SQLiteStore {
    /// Versioned migrations; each runs once, in order, inside a transaction.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_keys (
                        hash TEXT PRIMARY KEY, role TEXT NOT NULL, label TEXT, created_at INTEGER NOT NULL);
                    CREATE TABLE contacts (
                        id TEXT PRIMARY KEY, phone TEXT, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
                    CREATE INDEX contacts_phone ON contacts(phone) WHERE phone IS NOT NULL;
                    CREATE TABLE jobs (
                        id INTEGER PRIMARY KEY,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        body_hash TEXT NOT NULL,
                        spec TEXT NOT NULL,
                        status TEXT NOT NULL,
                        lane INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        fanout_cursor TEXT,
                        audience_count INTEGER NOT NULL DEFAULT 0,
                        fanout_owner TEXT,
                        fanout_lease_until INTEGER);
                    CREATE INDEX jobs_fanout ON jobs(status, lane) WHERE status IN ('accepted', 'fanning_out');
                    CREATE TABLE deliveries (
                        id INTEGER PRIMARY KEY,
                        job_id INTEGER NOT NULL REFERENCES jobs(id),
                        contact_id TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        lane INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        reason TEXT,
                        not_before INTEGER NOT NULL,
                        attempt_count INTEGER NOT NULL DEFAULT 0,
                        lease_owner TEXT,
                        lease_until INTEGER,
                        instance TEXT,
                        provider_message_id TEXT,
                        sms_segments INTEGER,
                        trace TEXT NOT NULL,
                        send_trace TEXT,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        UNIQUE (job_id, contact_id, channel));
                    CREATE INDEX deliveries_due ON deliveries(lane DESC, not_before)
                        WHERE state IN ('queued', 'scheduled');
                    CREATE INDEX deliveries_leased ON deliveries(lease_until) WHERE state = 'sending';
                    CREATE INDEX deliveries_contact ON deliveries(contact_id);
                    CREATE INDEX deliveries_receipt ON deliveries(provider_message_id)
                        WHERE provider_message_id IS NOT NULL;
                    CREATE TABLE attempts (
                        id INTEGER PRIMARY KEY,
                        delivery_id INTEGER NOT NULL,
                        number INTEGER NOT NULL,
                        at INTEGER NOT NULL,
                        latency_ms INTEGER NOT NULL,
                        instance TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        provider_message_id TEXT,
                        error TEXT);
                    CREATE INDEX attempts_delivery ON attempts(delivery_id);
                    CREATE TABLE send_log (
                        id INTEGER PRIMARY KEY,
                        contact_id TEXT NOT NULL,
                        delivery_id INTEGER NOT NULL,
                        channel TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        topic TEXT,
                        at INTEGER NOT NULL);
                    CREATE INDEX send_log_contact ON send_log(contact_id, at);
                    CREATE INDEX send_log_delivery ON send_log(delivery_id);
                    CREATE TABLE consent_events (
                        id INTEGER PRIMARY KEY,
                        contact_id TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        topic TEXT NOT NULL,
                        status TEXT NOT NULL,
                        source TEXT NOT NULL,
                        evidence TEXT,
                        actor TEXT,
                        occurred_at INTEGER NOT NULL,
                        recorded_at INTEGER NOT NULL,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL);
                    CREATE INDEX consent_contact ON consent_events(contact_id, id);
                    CREATE INDEX consent_recorded ON consent_events(recorded_at);
                    CREATE TABLE suppressions (
                        address TEXT PRIMARY KEY, reason TEXT NOT NULL, created_at INTEGER NOT NULL);
                    """)
        }
        registerOpsMigrations(&migrator)
        registerPriorityMigrations(&migrator)
        registerTemplateMigrations(&migrator)
        registerSuppressionMigrations(&migrator)
        registerCheckpointMigrations(&migrator)
        registerWebhookMigrations(&migrator)
        registerBounceMigrations(&migrator)
        registerErasureMigrations(&migrator)
        SQLiteDeliveryEvents.registerMigration(&migrator)
        registerContactDeletionMigration(&migrator)
        registerSendStopsMigration(&migrator)
        registerContactCreationMigration(&migrator)
        registerFinishedIndexMigration(&migrator)
        return migrator
    }
}

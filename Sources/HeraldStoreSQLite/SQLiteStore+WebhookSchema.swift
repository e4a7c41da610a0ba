import GRDB

extension SQLiteStore {
    /// The webhook outbox: an append-only event log, one cursor (and lease) per endpoint, and per endpoint
    /// the events that failed or were parked. Same tables and columns as PostgreSQL's version 6. The
    /// triggers that fill the log are installed by `installWebhookEvents`, for the subscribed types only.
    /// No AUTOINCREMENT (its counter row is a second write per event) and no index on `at` (a replay by time
    /// range scans): each cost the engine several percent. Without AUTOINCREMENT SQLite reuses an id only
    /// when the newest row is deleted, so whatever prunes the log must keep the newest event.
    static func registerWebhookMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("loop_v1_webhooks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhook_events (
                        id INTEGER PRIMARY KEY,
                        xid INTEGER NOT NULL DEFAULT 0,
                        type TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        job_id INTEGER,
                        delivery_id INTEGER,
                        contact_id TEXT,
                        channel TEXT,
                        detail TEXT,
                        trace TEXT,
                        reference TEXT,
                        topic TEXT,
                        source TEXT);
                    CREATE UNIQUE INDEX webhook_events_job_completed ON webhook_events(job_id)
                        WHERE type = 'job.completed';
                    CREATE TABLE webhook_cursors (
                        endpoint TEXT PRIMARY KEY,
                        xid INTEGER NOT NULL,
                        event_id INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_until INTEGER,
                        last_error TEXT,
                        last_error_at INTEGER,
                        last_success_at INTEGER);
                    CREATE TABLE webhook_retries (
                        endpoint TEXT NOT NULL,
                        event_id INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        first_failed_at INTEGER NOT NULL,
                        next_at INTEGER NOT NULL,
                        last_error TEXT,
                        PRIMARY KEY (endpoint, event_id));
                    CREATE INDEX webhook_retries_due ON webhook_retries(endpoint, status, next_at);
                    """)
        }
    }
}

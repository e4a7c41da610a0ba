import GRDB

extension SQLiteStore {
    /// Signed ledger checkpoints, and the key lifecycle columns (expiry, last use). Same tables and columns
    /// as PostgreSQL's version 5.
    static func registerCheckpointMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("hardening_v2_checkpoints") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ledger_checkpoints (
                        id INTEGER PRIMARY KEY,
                        events INTEGER NOT NULL,
                        head_event_id INTEGER NOT NULL,
                        head_hash TEXT NOT NULL,
                        signed_at INTEGER NOT NULL,
                        key_id TEXT NOT NULL,
                        signature TEXT NOT NULL);
                    ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
                    ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
                    """)
        }
    }
}

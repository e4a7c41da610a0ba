import GRDB

extension SQLiteStore {
    /// The bounce log: one row per bounce an address got, so soft bounces can be counted within a window.
    /// Same table and columns as PostgreSQL's version 7.
    static func registerBounceMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("loop_v2_bounces") { db in
            try db.execute(
                sql: """
                    CREATE TABLE email_bounces (
                        id INTEGER PRIMARY KEY,
                        address TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        delivery_id INTEGER,
                        status TEXT,
                        source TEXT NOT NULL,
                        at INTEGER NOT NULL);
                    CREATE INDEX email_bounces_address ON email_bounces(address, kind, at);
                    """)
        }
    }
}

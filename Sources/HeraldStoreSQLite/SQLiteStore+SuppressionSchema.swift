import GRDB

extension SQLiteStore {
    /// The suppression list as people manage it: a note on each entry, an index for the reason filter, and
    /// the history of who changed what and why. Same tables and columns as PostgreSQL's version 4.
    static func registerSuppressionMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("rights_v1_suppressions") { db in
            try db.execute(
                sql: """
                    ALTER TABLE suppressions ADD COLUMN note TEXT;
                    CREATE INDEX suppressions_reason ON suppressions(reason, address);
                    CREATE TABLE suppression_changes (
                        id INTEGER PRIMARY KEY,
                        address TEXT NOT NULL,
                        action TEXT NOT NULL,
                        reason TEXT,
                        note TEXT,
                        actor TEXT NOT NULL,
                        at INTEGER NOT NULL);
                    CREATE INDEX suppression_changes_address ON suppression_changes(address, id);
                    """)
        }
    }
}

import GRDB

extension SQLiteStore {
    /// Tables of the ops surfaces (access audit), kept apart from the core schema's migrations.
    static func registerOpsMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ops_v1_access_audit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE access_audit (
                        id INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        key_hash_prefix TEXT NOT NULL,
                        role TEXT NOT NULL,
                        action TEXT NOT NULL,
                        query TEXT NOT NULL);
                    CREATE INDEX deliveries_updated ON deliveries(updated_at);
                    """)
        }
    }
}

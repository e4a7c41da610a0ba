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

    /// Only finished deliveries by time: retention and the dashboard read nothing else by `updated_at`, and an index
    /// over every row took an entry out and put one in at each claim and outcome and one in at each fan-out
    /// insert (engine → `log` about a fifth slower). Queries repeat the predicate word for word (`finished`),
    /// which is how SQLite knows it may use a partial index. The predicate is two lists of two: SQLite tests a
    /// list of two with two comparisons, but a longer one through a temporary table it builds for every row an
    /// update touches (twice: old row and new), which made the claim's and the outcome's updates slower than
    /// the index over every row had.
    static func registerFinishedIndexMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("engine_v4_finished_index") { db in
            try db.execute(
                sql: """
                    DROP INDEX deliveries_updated;
                    CREATE INDEX deliveries_finished ON deliveries(updated_at)
                        WHERE (state IN ('sent', 'delivered') OR state IN ('failed', 'suppressed'));
                    """)
        }
    }
}

import GRDB

extension SQLiteStore {
    /// Digest-sealed ledger events (see `ConsentSeal`), keyed hashes of erased addresses kept blocked, and the
    /// delivery counts retention pruned, so a job's progress still adds up.
    static func registerErasureMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("rights_v3_erasure") { db in
            try db.execute(
                sql: """
                    ALTER TABLE consent_events ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE consent_events ADD COLUMN salt TEXT;
                    ALTER TABLE consent_events ADD COLUMN subject_digest TEXT;
                    ALTER TABLE consent_events ADD COLUMN evidence_digest TEXT;
                    CREATE TABLE erased_addresses (digest TEXT PRIMARY KEY, erased_at INTEGER NOT NULL);
                    CREATE TABLE pruned_delivery_counts (
                        job_id INTEGER NOT NULL, state TEXT NOT NULL, reason TEXT, n INTEGER NOT NULL);
                    CREATE INDEX pruned_delivery_counts_job ON pruned_delivery_counts(job_id);
                    CREATE INDEX attempts_at ON attempts(at);
                    """)
        }
    }
}

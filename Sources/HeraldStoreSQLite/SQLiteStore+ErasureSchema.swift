import GRDB

extension SQLiteStore {
    /// A count of deleted contact rows, kept by a trigger so an erasure by another process (`herald contacts
    /// erase` beside the daemon) counts too: fan-out probes a batch's contacts for erasures only when it moved.
    static func registerContactDeletionMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("engine_v3_contact_deletions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE contact_deletions (n INTEGER NOT NULL);
                    INSERT INTO contact_deletions (n) VALUES (0);
                    CREATE TRIGGER contact_deletions_count AFTER DELETE ON contacts BEGIN
                    UPDATE contact_deletions SET n = n + 1;
                    END;
                    """)
        }
    }

    /// When each contact row was created (0: before this column), so a preference link signed before an erasure
    /// does not open the page of a contact created later under the same id.
    static func registerContactCreationMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("rights_v4_contact_created") { db in
            try db.execute(sql: "ALTER TABLE contacts ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0")
        }
    }

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

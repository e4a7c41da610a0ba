extension PostgresStore {
    /// Version 10: when each contact row was created (0: before this column), as SQLite's
    /// `rights_v4_contact_created`.
    static let schemaV10ContactCreated = "ALTER TABLE contacts ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0"

    /// Version 9: digest-sealed ledger events (see `ConsentSeal`), keyed hashes of erased addresses kept
    /// blocked, and the delivery counts retention pruned. Same tables and columns as SQLite's `rights_v3_erasure`.
    static let schemaV9Erasure = """
        ALTER TABLE consent_events ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE consent_events ADD COLUMN salt TEXT;
        ALTER TABLE consent_events ADD COLUMN subject_digest TEXT;
        ALTER TABLE consent_events ADD COLUMN evidence_digest TEXT;
        CREATE TABLE erased_addresses (digest TEXT PRIMARY KEY, erased_at BIGINT NOT NULL);
        CREATE TABLE pruned_delivery_counts (
            job_id BIGINT NOT NULL, state TEXT NOT NULL, reason TEXT, n BIGINT NOT NULL);
        CREATE INDEX pruned_delivery_counts_job ON pruned_delivery_counts(job_id);
        CREATE INDEX attempts_at ON attempts(at)
        """
}

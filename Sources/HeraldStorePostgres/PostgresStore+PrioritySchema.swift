extension PostgresStore {
    /// Priority (0–10) on jobs and deliveries, and a round-robin turn for fan-out. Existing rows keep the
    /// order they had: transactional (lane 1) becomes priority 5, campaigns 0.
    static let schemaV3Priority = """
        ALTER TABLE jobs ADD COLUMN priority BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN fanout_turn BIGINT NOT NULL DEFAULT 0;
        UPDATE jobs SET priority = 5 WHERE lane = 1;
        DROP INDEX jobs_fanout;
        CREATE INDEX jobs_fanout ON jobs(priority DESC, fanout_turn, id) WHERE status IN ('accepted', 'fanning_out');
        ALTER TABLE deliveries ADD COLUMN priority BIGINT NOT NULL DEFAULT 0;
        UPDATE deliveries SET priority = 5 WHERE lane = 1 AND state IN ('queued', 'scheduled', 'sending');
        DROP INDEX deliveries_due;
        CREATE INDEX deliveries_due ON deliveries(priority DESC, not_before) WHERE state IN ('queued', 'scheduled');
        CREATE INDEX deliveries_lease_owner ON deliveries(lease_owner) WHERE state = 'sending'
        """
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: RetentionStore {
    /// The predicate of the `deliveries_finished` index, word for word: a query by `updated_at` must say it.
    static func finished(_ state: String = "state") -> String {
        "(\(state) IN ('sent', 'delivered') OR \(state) IN ('failed', 'suppressed'))"
    }

    static let tracesToPruneSQL = """
        SELECT id FROM deliveries WHERE updated_at < ? AND \(finished())
        AND (trace <> '[]' OR send_trace IS NOT NULL) ORDER BY updated_at LIMIT ?
        """

    /// Finished deliveries of jobs whose fan-out is over, oldest first.
    static let deliveriesToPruneSQL = """
        SELECT d.id FROM deliveries d JOIN jobs j ON j.id = d.job_id
        WHERE d.updated_at < ? AND \(finished("d.state"))
        AND j.status NOT IN ('accepted', 'fanning_out') ORDER BY d.updated_at LIMIT ?
        """

    public func pruneAttempts(before cutoff: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE at < ? ORDER BY at LIMIT ?)",
                arguments: [cutoff.ms, limit])
            return db.changesCount
        }
    }

    public func pruneTraces(before cutoff: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: "UPDATE deliveries SET trace = '[]', send_trace = NULL WHERE id IN (\(Self.tracesToPruneSQL))",
                arguments: [cutoff.ms, limit])
            return db.changesCount
        }
    }

    public func pruneDeliveries(before cutoff: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS pruning (id INTEGER PRIMARY KEY)")
            try db.execute(sql: "DELETE FROM pruning")
            try db.execute(
                sql: "INSERT INTO pruning \(Self.deliveriesToPruneSQL)",
                arguments: [cutoff.ms, limit])
            let selected = db.changesCount
            guard selected > 0 else { return 0 }
            try db.execute(
                sql: """
                    INSERT INTO pruned_delivery_counts (job_id, state, reason, n)
                    SELECT job_id, state, reason, count(*) FROM deliveries WHERE id IN (SELECT id FROM pruning)
                    GROUP BY job_id, state, reason
                    """)
            try db.execute(sql: "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM pruning)")
            try db.execute(sql: "DELETE FROM send_log WHERE delivery_id IN (SELECT id FROM pruning)")
            try db.execute(sql: "DELETE FROM deliveries WHERE id IN (SELECT id FROM pruning)")
            return selected
        }
    }

    /// Reports are logged in the order they arrive and `at` has no index of its own: a batch looks at the oldest
    /// `limit` rows by id only, and deletes those past the cutoff. Whatever the log's size, a batch reads
    /// `limit` rows (a report logged out of order waits until the ones before it go).
    public func pruneBounces(before cutoff: Date, limit: Int) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM email_bounces WHERE id IN (
                        SELECT id FROM (SELECT id, at FROM email_bounces ORDER BY id LIMIT ?2) WHERE at < ?1)
                    """,
                arguments: [cutoff.ms, limit])
            return db.changesCount
        }
    }

    /// The newest event stays: without AUTOINCREMENT SQLite would give its id to the next event, and a cursor
    /// already at that id would never read it.
    public func pruneWebhookEvents(before cutoff: Date, limit: Int) async throws -> Int {
        try await write { db in
            guard let newest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM webhook_events") else { return 0 }
            let passed = try Int64.fetchOne(db, sql: "SELECT min(event_id) FROM webhook_cursors") ?? newest
            var last = min(newest - 1, passed)
            // Events are logged in the order they happen and `at` has no index: stopping at the first recent
            // one keeps a pass from reading the whole retained log.
            if let recent = try Int64.fetchOne(
                db, sql: "SELECT id FROM webhook_events WHERE id <= ? AND at >= ? ORDER BY id LIMIT 1",
                arguments: [last, cutoff.ms])
            {
                last = recent - 1
            }
            try db.execute(
                sql: """
                    DELETE FROM webhook_events WHERE id IN (
                        SELECT id FROM webhook_events WHERE id <= ? AND at < ?
                        AND id NOT IN (SELECT event_id FROM webhook_retries) ORDER BY id LIMIT ?)
                    """,
                arguments: [last, cutoff.ms, limit])
            return db.changesCount
        }
    }
}

extension SQLiteStore {
    /// A job's counts of deliveries retention deleted, for its progress (one `?`: the job id).
    static let prunedCountsSQL =
        "SELECT state, reason, sum(n) AS n FROM pruned_delivery_counts WHERE job_id = ? GROUP BY state, reason"
}

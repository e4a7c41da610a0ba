import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: RetentionStore {
    public func pruneAttempts(before cutoff: Date, limit: Int) async throws -> Int {
        let before = cutoff.ms
        return try await rows(
            """
            DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE at < \(before) ORDER BY at LIMIT \(limit))
            RETURNING id
            """
        ).count
    }

    public func pruneTraces(before cutoff: Date, limit: Int) async throws -> Int {
        let before = cutoff.ms
        return try await rows(
            """
            UPDATE deliveries SET trace = '[]', send_trace = NULL WHERE id IN (
                SELECT id FROM deliveries WHERE updated_at < \(before)
                AND state IN ('sent', 'delivered', 'failed', 'suppressed')
                AND (trace <> '[]' OR send_trace IS NOT NULL) ORDER BY updated_at LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING id
            """
        ).count
    }

    /// Rows another node is updating right now are skipped (SKIP LOCKED) and pruned on a later pass.
    public func pruneDeliveries(before cutoff: Date, limit: Int) async throws -> Int {
        let before = cutoff.ms
        let logger = self.logger
        return try await transaction { connection in
            let ids = try await connection.rows(
                """
                SELECT d.id FROM deliveries d JOIN jobs j ON j.id = d.job_id
                WHERE d.updated_at < \(before) AND d.state IN ('sent', 'delivered', 'failed', 'suppressed')
                AND j.status NOT IN ('accepted', 'fanning_out') ORDER BY d.updated_at LIMIT \(limit)
                FOR UPDATE OF d SKIP LOCKED
                """, logger: logger
            ).map { try $0.makeRandomAccess().get("id", as: Int64.self) }
            guard !ids.isEmpty else { return 0 }
            try await connection.rows(
                """
                INSERT INTO pruned_delivery_counts (job_id, state, reason, n)
                SELECT job_id, state, reason, count(*) FROM deliveries WHERE id = ANY(\(ids)::bigint[])
                GROUP BY job_id, state, reason
                """, logger: logger)
            try await connection.rows("DELETE FROM attempts WHERE delivery_id = ANY(\(ids)::bigint[])", logger: logger)
            try await connection.rows("DELETE FROM send_log WHERE delivery_id = ANY(\(ids)::bigint[])", logger: logger)
            try await connection.rows("DELETE FROM deliveries WHERE id = ANY(\(ids)::bigint[])", logger: logger)
            return ids.count
        }
    }

    /// Reports are logged in the order they arrive and `at` has no index of its own: a batch looks at the oldest
    /// `limit` rows by id only, and deletes those past the cutoff, so it reads `limit` rows whatever the log's
    /// size. Several nodes may prune at once: each skips the rows another is deleting.
    public func pruneBounces(before cutoff: Date, limit: Int) async throws -> Int {
        let before = cutoff.ms
        return try await rows(
            """
            DELETE FROM email_bounces WHERE id IN (
                SELECT id FROM (SELECT id, at FROM email_bounces ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED) AS oldest
                WHERE at < \(before))
            RETURNING id
            """
        ).count
    }

    /// An event is passed once its log position `(xid, id)` is at or before every cursor (the order readers
    /// use). Several nodes may prune at once: each skips the rows another is deleting.
    public func pruneWebhookEvents(before cutoff: Date, limit: Int) async throws -> Int {
        let before = cutoff.ms
        return try await rows(
            """
            DELETE FROM webhook_events WHERE id IN (
                SELECT e.id FROM webhook_events e WHERE e.at < \(before)
                AND NOT EXISTS (SELECT 1 FROM webhook_cursors c WHERE (c.xid, c.event_id) < (e.xid, e.id))
                AND NOT EXISTS (SELECT 1 FROM webhook_retries r WHERE r.event_id = e.id)
                ORDER BY e.at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING id
            """
        ).count
    }
}

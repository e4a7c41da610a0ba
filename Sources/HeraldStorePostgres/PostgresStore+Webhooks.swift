import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: WebhookOutboxStore {
    /// `SKIP LOCKED`: a node that finds another taking the lease right now moves on instead of waiting.
    public func leaseWebhookEndpoint(_ endpoint: String, owner: String, now: Date, leaseUntil: Date) async throws
        -> WebhookLogPosition?
    {
        let (nowMs, until) = (now.ms, leaseUntil.ms)
        return try await rows(
            """
            UPDATE webhook_cursors SET lease_owner = \(owner), lease_until = \(until)
            WHERE endpoint = (SELECT endpoint FROM webhook_cursors WHERE endpoint = \(endpoint)
            AND (lease_owner IS NULL OR lease_owner = \(owner) OR lease_until <= \(nowMs)) FOR UPDATE SKIP LOCKED)
            RETURNING xid, event_id
            """
        ).first.map { row in
            let columns = row.makeRandomAccess()
            return WebhookLogPosition(xid: try columns.get("xid"), id: try columns.get("event_id"))
        }
    }

    /// Only events of transactions older than every running one: those can no longer be joined by a
    /// transaction that commits late with a smaller id.
    public func webhookEvents(after position: WebhookLogPosition, limit: Int) async throws -> [WebhookEventRecord] {
        let (xid, id) = (position.xid, position.id)
        return try await rows(
            """
            SELECT * FROM webhook_events WHERE (xid, id) > (\(xid), \(id))
            AND xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
            ORDER BY xid, id LIMIT \(limit)
            """
        ).map(Self.webhookEvent)
    }

    public func webhookEvents(ids: [Int64]) async throws -> [WebhookEventRecord] {
        guard !ids.isEmpty else { return [] }
        return try await rows("SELECT * FROM webhook_events WHERE id = ANY(\(ids)::bigint[]) ORDER BY id")
            .map(Self.webhookEvent)
    }

    public func webhookEvents(from: Date, until: Date, afterId: Int64, limit: Int) async throws -> [WebhookEventRecord] {
        let (fromMs, untilMs) = (from.ms, until.ms)
        return try await rows(
            """
            SELECT * FROM webhook_events WHERE at >= \(fromMs) AND at < \(untilMs) AND id > \(afterId)
            ORDER BY id LIMIT \(limit)
            """
        ).map(Self.webhookEvent)
    }

    public func advanceWebhookCursor(
        _ endpoint: String, owner: String, to position: WebhookLogPosition, failed: [WebhookRetry], error: String?,
        at: Date
    ) async throws -> Bool {
        let (xid, id) = (position.xid, position.id)
        return try await transaction { connection in
            let moved = try await connection.rows(
                """
                UPDATE webhook_cursors SET xid = \(xid), event_id = \(id)
                WHERE endpoint = \(endpoint) AND lease_owner = \(owner) RETURNING endpoint
                """, logger: self.logger)
            guard !moved.isEmpty else { return false }
            try await self.upsertRetries(connection, endpoint, failed)
            try await self.recordResult(connection, endpoint, error: error, at: at)
            return true
        }
    }

    public func dueWebhookRetries(_ endpoint: String, now: Date, limit: Int) async throws -> [WebhookRetry] {
        let nowMs = now.ms
        return try await rows(
            """
            SELECT * FROM webhook_retries WHERE endpoint = \(endpoint) AND status = 'failed' AND next_at <= \(nowMs)
            ORDER BY event_id LIMIT \(limit)
            """
        ).map(Self.webhookRetry)
    }

    public func settleWebhookRetries(
        _ endpoint: String, owner: String, delivered: [Int64], retried: [WebhookRetry], error: String?, at: Date
    ) async throws -> Bool {
        try await transaction { connection in
            let held = try await connection.rows(
                """
                SELECT endpoint FROM webhook_cursors WHERE endpoint = \(endpoint) AND lease_owner = \(owner) FOR UPDATE
                """, logger: self.logger)
            guard !held.isEmpty else { return false }
            if !delivered.isEmpty {
                try await connection.rows(
                    """
                    DELETE FROM webhook_retries WHERE endpoint = \(endpoint) AND event_id = ANY(\(delivered)::bigint[])
                    """, logger: self.logger)
            }
            try await self.upsertRetries(connection, endpoint, retried)
            try await self.recordResult(connection, endpoint, error: error, at: at)
            return true
        }
    }

    public func webhookRetries(_ endpoint: String, status: WebhookRetry.Status, afterEventId: Int64, limit: Int)
        async throws -> [WebhookRetry]
    {
        let statusName = status.rawValue
        return try await rows(
            """
            SELECT * FROM webhook_retries WHERE endpoint = \(endpoint) AND status = \(statusName)
            AND event_id > \(afterEventId) ORDER BY event_id LIMIT \(limit)
            """
        ).map(Self.webhookRetry)
    }

    public func replayWebhookEvents(_ endpoint: String, eventIds: [Int64], at: Date) async throws -> Int {
        guard !eventIds.isEmpty else { return 0 }
        let now = at.ms
        return try await rows(
            """
            INSERT INTO webhook_retries (endpoint, event_id, status, attempts, first_failed_at, next_at)
            SELECT \(endpoint), id, 'failed', 0, \(now), \(now) FROM webhook_events WHERE id = ANY(\(eventIds)::bigint[])
            ON CONFLICT (endpoint, event_id) DO UPDATE SET status = 'failed', attempts = 0,
            first_failed_at = EXCLUDED.first_failed_at, next_at = EXCLUDED.next_at, last_error = NULL
            RETURNING event_id
            """
        ).count
    }

    public func webhookProgress(_ endpoint: String) async throws -> WebhookEndpointProgress {
        guard let cursor = try await rows("SELECT * FROM webhook_cursors WHERE endpoint = \(endpoint)").first else {
            return WebhookEndpointProgress()
        }
        let columns = cursor.makeRandomAccess()
        var progress = WebhookEndpointProgress(
            position: WebhookLogPosition(xid: try columns.get("xid"), id: try columns.get("event_id")))
        let (xid, id, cap) = (progress.position.xid, progress.position.id, WebhookEndpointProgress.lagCap)
        progress.lag =
            try await rows(
                "SELECT count(*) AS n FROM (SELECT 1 FROM webhook_events WHERE (xid, id) > (\(xid), \(id)) LIMIT \(cap)) e"
            ).first?.makeRandomAccess().get("n", as: Int.self) ?? 0
        for row in try await rows(
            "SELECT status, count(*) AS n FROM webhook_retries WHERE endpoint = \(endpoint) GROUP BY status")
        {
            let counted = row.makeRandomAccess()
            let n = try counted.get("n", as: Int.self)
            if try counted.get("status", as: String.self) == WebhookRetry.Status.failed.rawValue {
                progress.failed = n
            } else {
                progress.parked = n
            }
        }
        progress.lastError = try columns.get("last_error", as: String?.self)
        progress.lastErrorAt = try columns.get("last_error_at", as: Int64?.self).map(Date.init(milliseconds:))
        progress.lastSuccessAt = try columns.get("last_success_at", as: Int64?.self).map(Date.init(milliseconds:))
        return progress
    }

    private func upsertRetries(_ connection: PostgresConnection, _ endpoint: String, _ retries: [WebhookRetry])
        async throws
    {
        guard !retries.isEmpty else { return }
        let ids = retries.map(\.eventId)
        let statuses = retries.map(\.status.rawValue)
        let attempts = retries.map { Int64($0.attempts) }
        let first = retries.map(\.firstFailedAt.ms)
        let next = retries.map(\.nextAt.ms)
        let errors = PostgresNullableArray(retries.map(\.lastError))
        try await connection.rows(
            """
            INSERT INTO webhook_retries (endpoint, event_id, status, attempts, first_failed_at, next_at, last_error)
            SELECT \(endpoint), * FROM unnest(\(ids)::bigint[], \(statuses)::text[], \(attempts)::bigint[],
            \(first)::bigint[], \(next)::bigint[], \(errors)::text[])
            ON CONFLICT (endpoint, event_id) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts,
            next_at = EXCLUDED.next_at, last_error = EXCLUDED.last_error
            """, logger: logger)
    }

    private func recordResult(_ connection: PostgresConnection, _ endpoint: String, error: String?, at: Date)
        async throws
    {
        let now = at.ms
        if let error {
            try await connection.rows(
                "UPDATE webhook_cursors SET last_error = \(error), last_error_at = \(now) WHERE endpoint = \(endpoint)",
                logger: logger)
        } else {
            try await connection.rows(
                "UPDATE webhook_cursors SET last_success_at = \(now) WHERE endpoint = \(endpoint)", logger: logger)
        }
    }

    static func webhookEvent(_ row: PostgresRow) throws -> WebhookEventRecord {
        let c = row.makeRandomAccess()
        let id: Int64 = try c.get("id")
        guard let type = WebhookEventType(rawValue: try c.get("type", as: String.self)) else {
            throw HeraldError(code: "store_error", message: "unknown webhook event type in the log", statusCode: 500)
        }
        return WebhookEventRecord(
            id: id, position: WebhookLogPosition(xid: try c.get("xid"), id: id), type: type,
            at: Date(milliseconds: try c.get("at")), jobId: try c.get("job_id"), deliveryId: try c.get("delivery_id"),
            contactId: try c.get("contact_id"), channel: try c.get("channel"), detail: try c.get("detail"),
            trace: try c.get("trace"), reference: try c.get("reference"), topic: try c.get("topic"),
            source: try c.get("source"))
    }

    static func webhookRetry(_ row: PostgresRow) throws -> WebhookRetry {
        let c = row.makeRandomAccess()
        return WebhookRetry(
            eventId: try c.get("event_id"),
            status: WebhookRetry.Status(rawValue: try c.get("status", as: String.self)) ?? .failed,
            attempts: Int(try c.get("attempts", as: Int64.self)),
            firstFailedAt: Date(milliseconds: try c.get("first_failed_at")),
            nextAt: Date(milliseconds: try c.get("next_at")), lastError: try c.get("last_error"))
    }
}

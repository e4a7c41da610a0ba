import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: WebhookOutboxStore {
    public func leaseWebhookEndpoint(_ endpoint: String, owner: String, now: Date, leaseUntil: Date) async throws
        -> WebhookLogPosition?
    {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_cursors SET lease_owner = ?, lease_until = ?
                    WHERE endpoint = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?)
                    """,
                arguments: [owner, leaseUntil.ms, endpoint, owner, now.ms])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(
                db, sql: "SELECT xid, event_id FROM webhook_cursors WHERE endpoint = ?", arguments: [endpoint]
            ).map { WebhookLogPosition(xid: $0["xid"], id: $0["event_id"]) }
        }
    }

    public func webhookEvents(after position: WebhookLogPosition, limit: Int) async throws -> [WebhookEventRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM webhook_events WHERE id > ? ORDER BY id LIMIT ?", arguments: [position.id, limit]
            ).map(Self.webhookEvent)
        }
    }

    public func webhookEvents(ids: [Int64]) async throws -> [WebhookEventRecord] {
        guard !ids.isEmpty else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM webhook_events WHERE id IN (\(placeholders(ids.count))) ORDER BY id",
                arguments: StatementArguments(ids)
            ).map(Self.webhookEvent)
        }
    }

    public func webhookEvents(from: Date, until: Date, afterId: Int64, limit: Int) async throws -> [WebhookEventRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM webhook_events WHERE at >= ? AND at < ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [from.ms, until.ms, afterId, limit]
            ).map(Self.webhookEvent)
        }
    }

    public func advanceWebhookCursor(
        _ endpoint: String, owner: String, to position: WebhookLogPosition, failed: [WebhookRetry], error: String?,
        at: Date
    ) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE webhook_cursors SET xid = ?, event_id = ? WHERE endpoint = ? AND lease_owner = ?",
                arguments: [position.xid, position.id, endpoint, owner])
            guard db.changesCount > 0 else { return false }
            try Self.upsertRetries(db, endpoint, failed)
            try Self.recordResult(db, endpoint, error: error, at: at)
            return true
        }
    }

    public func dueWebhookRetries(_ endpoint: String, now: Date, limit: Int) async throws -> [WebhookRetry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_retries WHERE endpoint = ? AND status = 'failed' AND next_at <= ?
                    ORDER BY event_id LIMIT ?
                    """,
                arguments: [endpoint, now.ms, limit]
            ).map(Self.webhookRetry)
        }
    }

    public func settleWebhookRetries(
        _ endpoint: String, owner: String, delivered: [Int64], retried: [WebhookRetry], error: String?, at: Date
    ) async throws -> Bool {
        try await write { db in
            let holder = try String.fetchOne(
                db, sql: "SELECT lease_owner FROM webhook_cursors WHERE endpoint = ?", arguments: [endpoint])
            guard holder == owner else { return false }
            for id in delivered {
                try db.run(sql: "DELETE FROM webhook_retries WHERE endpoint = ? AND event_id = ?", arguments: [endpoint, id])
            }
            try Self.upsertRetries(db, endpoint, retried)
            try Self.recordResult(db, endpoint, error: error, at: at)
            return true
        }
    }

    public func webhookRetries(_ endpoint: String, status: WebhookRetry.Status, afterEventId: Int64, limit: Int)
        async throws -> [WebhookRetry]
    {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_retries WHERE endpoint = ? AND status = ? AND event_id > ?
                    ORDER BY event_id LIMIT ?
                    """,
                arguments: [endpoint, status.rawValue, afterEventId, limit]
            ).map(Self.webhookRetry)
        }
    }

    public func replayWebhookEvents(_ endpoint: String, eventIds: [Int64], at: Date) async throws -> Int {
        guard !eventIds.isEmpty else { return 0 }
        var bound: StatementArguments = [endpoint, at.ms, at.ms]
        bound += StatementArguments(eventIds)
        let arguments = bound
        return try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_retries (endpoint, event_id, status, attempts, first_failed_at, next_at)
                    SELECT ?, id, 'failed', 0, ?, ? FROM webhook_events WHERE id IN (\(placeholders(eventIds.count)))
                    ON CONFLICT (endpoint, event_id) DO UPDATE SET status = 'failed', attempts = 0,
                    first_failed_at = excluded.first_failed_at, next_at = excluded.next_at, last_error = NULL
                    """,
                arguments: arguments)
            return db.changesCount
        }
    }

    public func webhookProgress(_ endpoint: String) async throws -> WebhookEndpointProgress {
        try await pool.read { db in
            guard
                let cursor = try Row.fetchOne(
                    db, sql: "SELECT * FROM webhook_cursors WHERE endpoint = ?", arguments: [endpoint])
            else { return WebhookEndpointProgress() }
            var progress = WebhookEndpointProgress(position: WebhookLogPosition(xid: 0, id: cursor["event_id"]))
            progress.lag =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM webhook_events WHERE id > ? LIMIT ?)",
                    arguments: [progress.position.id, WebhookEndpointProgress.lagCap]) ?? 0
            for row in try Row.fetchAll(
                db, sql: "SELECT status, COUNT(*) AS n FROM webhook_retries WHERE endpoint = ? GROUP BY status",
                arguments: [endpoint])
            {
                let status: String = row["status"]
                if status == WebhookRetry.Status.failed.rawValue { progress.failed = row["n"] } else { progress.parked = row["n"] }
            }
            progress.lastError = cursor["last_error"]
            progress.lastErrorAt = (cursor["last_error_at"] as Int64?).map(Date.init(milliseconds:))
            progress.lastSuccessAt = (cursor["last_success_at"] as Int64?).map(Date.init(milliseconds:))
            return progress
        }
    }

    private static func upsertRetries(_ db: Database, _ endpoint: String, _ retries: [WebhookRetry]) throws {
        for retry in retries {
            try db.run(
                sql: """
                    INSERT INTO webhook_retries (endpoint, event_id, status, attempts, first_failed_at, next_at, last_error)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (endpoint, event_id) DO UPDATE SET status = excluded.status,
                    attempts = excluded.attempts, next_at = excluded.next_at, last_error = excluded.last_error
                    """,
                arguments: [
                    endpoint, retry.eventId, retry.status.rawValue, retry.attempts, retry.firstFailedAt.ms,
                    retry.nextAt.ms, retry.lastError,
                ])
        }
    }

    private static func recordResult(_ db: Database, _ endpoint: String, error: String?, at: Date) throws {
        if let error {
            try db.run(
                sql: "UPDATE webhook_cursors SET last_error = ?, last_error_at = ? WHERE endpoint = ?",
                arguments: [error, at.ms, endpoint])
        } else {
            try db.run(
                sql: "UPDATE webhook_cursors SET last_success_at = ? WHERE endpoint = ?", arguments: [at.ms, endpoint])
        }
    }

    static func webhookEvent(_ row: Row) throws -> WebhookEventRecord {
        let id: Int64 = row["id"]
        let type: String = row["type"]
        guard let kind = WebhookEventType(rawValue: type) else {
            throw HeraldError(code: "store_error", message: "unknown webhook event type in the log", statusCode: 500)
        }
        return WebhookEventRecord(
            id: id, position: WebhookLogPosition(xid: 0, id: id), type: kind, at: Date(milliseconds: row["at"]),
            jobId: row["job_id"], deliveryId: row["delivery_id"], contactId: row["contact_id"], channel: row["channel"],
            detail: row["detail"], trace: row["trace"], reference: row["reference"], topic: row["topic"],
            source: row["source"])
    }

    static func webhookRetry(_ row: Row) throws -> WebhookRetry {
        let status: String = row["status"]
        return WebhookRetry(
            eventId: row["event_id"], status: WebhookRetry.Status(rawValue: status) ?? .failed, attempts: row["attempts"],
            firstFailedAt: Date(milliseconds: row["first_failed_at"]), nextAt: Date(milliseconds: row["next_at"]),
            lastError: row["last_error"])
    }
}

import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    /// Idempotent across nodes: the unique key decides which insert wins; the loser reads the winner's job.
    public func createJob(_ spec: JobSpec, json: String, bodyHash: String, at: Date, inline: InlineFanout?) async throws
        -> JobCreation
    {
        let key = spec.idempotencyKey
        let lane = Int64(spec.lane.rawValue)
        let priority = Int64(spec.effectivePriority)
        let created = at.ms
        let audience = inline?.audience(of: spec)
        let creation: JobCreation = try await transaction { connection in
            let inserted = try await connection.rows(
                """
                INSERT INTO jobs (idempotency_key, body_hash, spec, status, lane, priority, created_at)
                VALUES (\(key), \(bodyHash), \(json), 'accepted', \(lane), \(priority), \(created))
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """, logger: self.logger)
            if let row = inserted.first {
                let id: Int64 = try row.makeRandomAccess().get("id")
                var job = Job(
                    id: id, spec: spec, bodyHash: bodyHash, status: .accepted, createdAt: at.truncatedToMilliseconds)
                if let inline, let audience {
                    try await self.fanOutInline(connection, &job, audience: audience, inline: inline, at: at)
                }
                return .created(job)
            }
            let existingRows = try await connection.rows(
                "SELECT * FROM jobs WHERE idempotency_key = \(key)", logger: self.logger)
            guard let row = existingRows.first else {
                throw HeraldError(code: "store_error", message: "job vanished during create", statusCode: 500)
            }
            let existing = try Self.job(from: row)
            return existing.isRepeated(byBodyHash: bodyHash) ? .existing(existing) : .conflict(existingID: existing.id)
        }
        // This node's first claim of the job need not decode what intake already had.
        if case .created(let job) = creation { specCache.remember(spec, jobId: job.id) }
        return creation
    }

    /// The whole audience in the job's own transaction: rows written, cursor at the end, job `active`.
    private func fanOutInline(
        _ connection: PostgresConnection, _ job: inout Job, audience: [String], inline: InlineFanout, at: Date
    ) async throws {
        let contacts = try Self.decodeContacts(
            try await connection.rows("SELECT body FROM contacts WHERE id = ANY(\(audience)::text[])", logger: logger))
        let known = Set(contacts.map(\.id))
        let unknown = audience.filter { !known.contains($0) }
        let facts = try await Self.loadFacts(
            connection, contacts: contacts, since: at.addingTimeInterval(-inline.capLookback), erased: erasedAddresses,
            logger: logger)
        try await Self.insertDeliveries(connection, inline.plan(job, contacts, unknown, facts), at: at.ms, logger: logger)
        job.status = .active
        job.fanoutCursor = String(audience.count)
        job.audienceCount = contacts.count + unknown.count
        let cursor = job.fanoutCursor
        let count = Int64(job.audienceCount)
        let id = job.id
        try await connection.rows(
            "UPDATE jobs SET status = 'active', fanout_cursor = \(cursor), audience_count = \(count) WHERE id = \(id)",
            logger: logger)
    }

    public func job(id: Int64) async throws -> Job? {
        try await rows("SELECT * FROM jobs WHERE id = \(id)").first.map(Self.job(from:))
    }

    public func progress(jobId: Int64) async throws -> JobProgress {
        var progress = JobProgress()
        let found = try await rows(
            """
            SELECT state, reason, count(*)::bigint AS n FROM deliveries WHERE job_id = \(jobId) GROUP BY state, reason
            UNION ALL SELECT state, reason, sum(n)::bigint AS n FROM pruned_delivery_counts WHERE job_id = \(jobId)
            GROUP BY state, reason
            """)
        for row in found {
            let columns = row.makeRandomAccess()
            let n: Int = try columns.get("n")
            progress.byState[try columns.get("state", as: String.self), default: 0] += n
            if let reason = try columns.get("reason", as: String?.self) { progress.byReason[reason, default: 0] += n }
            progress.total += n
        }
        return progress
    }

    public func cancelJob(id: Int64, at: Date) async throws -> Job? {
        let updated = at.ms
        let job = try await transaction { connection -> Job? in
            guard
                let row = try await connection.rows("SELECT * FROM jobs WHERE id = \(id) FOR UPDATE", logger: self.logger)
                    .first
            else { return nil }
            var job = try Self.job(from: row)
            guard job.status != .cancelled else { return job }
            try await connection.rows(
                "UPDATE jobs SET status = 'cancelled', fanout_owner = NULL WHERE id = \(id)", logger: self.logger)
            try await connection.rows(
                """
                UPDATE deliveries SET state = 'suppressed', reason = 'cancelled', updated_at = \(updated)
                WHERE job_id = \(id) AND state IN ('queued', 'scheduled')
                """, logger: self.logger)
            job.status = .cancelled
            return job
        }
        if job?.status == .cancelled { await drainSends() }
        return job
    }

    static func job(from row: PostgresRow) throws -> Job {
        let columns = row.makeRandomAccess()
        let spec = try HeraldJSON.decoder().decode(JobSpec.self, from: Data(try columns.get("spec", as: String.self).utf8))
        return Job(
            id: try columns.get("id"), spec: spec, bodyHash: try columns.get("body_hash"),
            status: JobStatus(rawValue: try columns.get("status", as: String.self)) ?? .accepted,
            createdAt: Date(milliseconds: try columns.get("created_at")),
            fanoutCursor: try columns.get("fanout_cursor"),
            audienceCount: try columns.get("audience_count", as: Int.self))
    }
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func createJob(_ spec: JobSpec, json: String, bodyHash: String, at: Date, inline: InlineFanout?) async throws
        -> JobCreation
    {
        let creation = try await jobIntake.submit(
            JobIntake(
                spec: spec, json: json, bodyHash: bodyHash, at: at, inline: inline,
                audience: inline?.audience(of: spec)))
        if case .created(let job) = creation { specCache.remember(spec, jobId: job.id) }
        return creation
    }

    public func job(id: Int64) async throws -> Job? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.job(from:))
        }
    }

    public func progress(jobId: Int64) async throws -> JobProgress {
        try await pool.read { db in
            var progress = JobProgress()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT state, reason, count(*) AS n FROM deliveries WHERE job_id = ? GROUP BY state, reason
                    UNION ALL \(Self.prunedCountsSQL)
                    """,
                arguments: [jobId, jobId])
            for row in rows {
                let n: Int = row["n"]
                progress.byState[row["state"], default: 0] += n
                if let reason: String = row["reason"] { progress.byReason[reason, default: 0] += n }
                progress.total += n
            }
            return progress
        }
    }

    public func cancelJob(id: Int64, at: Date) async throws -> Job? {
        let job = try await write { db -> Job? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]) else {
                return nil
            }
            var job = try Self.job(from: row)
            guard job.status != .cancelled else { return job }
            try db.execute(
                sql: "UPDATE jobs SET status = 'cancelled', fanout_owner = NULL WHERE id = ?", arguments: [id])
            let cancelled = try Int64.fetchAll(
                db,
                sql: """
                    UPDATE deliveries SET state = 'suppressed', reason = 'cancelled', updated_at = ?
                    WHERE job_id = ? AND state IN ('queued', 'scheduled') RETURNING id
                    """,
                arguments: [at.ms, id])
            try SQLiteDeliveryEvents.record(db, ids: cancelled)
            job.status = .cancelled
            return job
        }
        if job?.status == .cancelled { await sendFence.drain() }
        return job
    }

    static func job(from row: Row) throws -> Job {
        let spec = try HeraldJSON.decoder().decode(JobSpec.self, from: Data((row["spec"] as String).utf8))
        return Job(
            id: row["id"], spec: spec, bodyHash: row["body_hash"],
            status: JobStatus(rawValue: row["status"]) ?? .accepted,
            createdAt: Date(milliseconds: row["created_at"]), fanoutCursor: row["fanout_cursor"],
            audienceCount: row["audience_count"])
    }
}

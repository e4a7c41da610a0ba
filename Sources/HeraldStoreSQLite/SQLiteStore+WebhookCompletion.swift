import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// `job.completed` for the jobs a batch finished, checked once per job per batch (a per-row trigger cost
    /// the engine a quarter of its throughput), after the batch's state changes and the fallback deliveries
    /// it queued are written. A job is completed when fan-out is done and no delivery is due or sending;
    /// both probes use the partial indexes the queue already keeps. Only while `job.completed` is recorded
    /// (its `webhook_job_active` trigger is installed); the unique index keeps one event per job.
    static func recordCompletedJobs(_ db: Database, deliveryIds: [Int64], at: Date) throws {
        guard !deliveryIds.isEmpty, try db.triggerExists("webhook_job_active") else { return }
        var jobIds = Set<Int64>()
        for list in InList.chunks(of: deliveryIds) {
            try db.cachedStatement(sql: "SELECT DISTINCT job_id FROM deliveries WHERE id IN (\(list.sql))")
                .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in jobIds.insert(row.int64(0)) }
        }
        let check = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO webhook_events (type, at, job_id)
                SELECT 'job.completed', ?, id FROM jobs WHERE id = ? AND status = 'active'
                AND NOT EXISTS (SELECT 1 FROM deliveries INDEXED BY deliveries_due
                    WHERE job_id = jobs.id AND state IN ('queued', 'scheduled'))
                AND NOT EXISTS (SELECT 1 FROM deliveries INDEXED BY deliveries_lease_owner
                    WHERE job_id = jobs.id AND state = 'sending')
                """)
        for job in jobIds { try check.execute(arguments: [at.ms, job]) }
    }
}

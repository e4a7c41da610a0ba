import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    /// Leases one unfinished fan-out. `SKIP LOCKED` lets another node take the next job instead of waiting.
    public func claimFanout(owner: String, now: Date, leaseUntil: Date) async throws -> Job? {
        let nowMs = now.ms
        let until = leaseUntil.ms
        return try await transaction { connection in
            guard
                let row = try await connection.rows(
                    """
                    SELECT * FROM jobs WHERE status IN ('accepted', 'fanning_out')
                    AND (fanout_lease_until IS NULL OR fanout_lease_until < \(nowMs) OR fanout_owner = \(owner))
                    ORDER BY priority DESC, fanout_turn, id LIMIT 1 FOR UPDATE SKIP LOCKED
                    """, logger: self.logger
                ).first
            else { return nil }
            var job = try Self.job(from: row)
            let id = job.id
            try await connection.rows(
                """
                UPDATE jobs SET status = 'fanning_out', fanout_owner = \(owner), fanout_lease_until = \(until)
                WHERE id = \(id)
                """, logger: self.logger)
            job.status = .fanningOut
            return job
        }
    }

    /// Not counted here: every batch's write looks for contacts gone since its read.
    public func contactDeletions() async throws -> Int64? { nil }

    /// The ownership check locks the job row, so a node whose lease ran out and was taken over cannot write
    /// a batch after the new owner has started: the rows and the cursor move together or not at all.
    public func writeFanoutBatch(_ batch: FanoutBatch) async throws -> Bool {
        let now = batch.at.ms
        return try await transaction { connection in
            let owned = try await connection.rows(
                """
                SELECT 1 FROM jobs WHERE id = \(batch.jobId) AND status = 'fanning_out' AND fanout_owner = \(batch.owner)
                FOR UPDATE
                """, logger: self.logger)
            guard !owned.isEmpty else { return false }
            // A contact erased after the batch was read gets no row.
            var gone = Set(batch.readContactIds)
            if !gone.isEmpty {
                let ids = batch.readContactIds
                for row in try await connection.rows("SELECT id FROM contacts WHERE id = ANY(\(ids))", logger: self.logger) {
                    gone.remove(try row.decode(String.self))
                }
            }
            try await Self.insertDeliveries(
                connection, gone.isEmpty ? batch.deliveries : batch.deliveries.filter { !gone.contains($0.contactId) },
                at: now, logger: self.logger)
            let status = batch.finished ? JobStatus.active.rawValue : JobStatus.fanningOut.rawValue
            let added = Int64(batch.audienceAdded)
            let until = batch.leaseUntil.ms
            try await connection.rows(
                """
                UPDATE jobs SET fanout_cursor = \(batch.cursor), audience_count = audience_count + \(added),
                fanout_lease_until = \(until), status = \(status),
                fanout_owner = CASE WHEN \(batch.finished) THEN NULL ELSE fanout_owner END,
                fanout_turn = (SELECT COALESCE(MAX(fanout_turn), 0) + 1 FROM jobs
                               WHERE status IN ('accepted', 'fanning_out'))
                WHERE id = \(batch.jobId)
                """, logger: self.logger)
            return true
        }
    }

    /// New delivery rows; a row that already exists (same job, contact, channel) is left as it is.
    static func insertDeliveries(
        _ connection: PostgresConnection, _ rows: [NewDelivery], at now: Int64, logger: Logger
    ) async throws {
        try await connection.insertRows(
            into: "deliveries",
            columns: [
                .init("job_id", "bigint"), .init("contact_id", "text"), .init("channel", "text"), .init("lane", "bigint"),
                .init("priority", "bigint"), .init("state", "text"), .init("reason", "text"), .init("not_before", "bigint"), .init("trace", "text"),
                .init("created_at", "bigint"), .init("updated_at", "bigint"),
            ],
            rows: rows, suffix: "ON CONFLICT (job_id, contact_id, channel) DO NOTHING", logger: logger
        ) { delivery, bindings in
            bindings.append(delivery.jobId)
            bindings.append(delivery.contactId)
            bindings.append(delivery.channel.rawValue)
            bindings.append(Int64(delivery.lane.rawValue))
            bindings.append(Int64(delivery.priority))
            bindings.append(delivery.state.rawValue)
            bindings.append(delivery.reason?.rawValue)
            bindings.append(delivery.notBefore.ms)
            bindings.append(TraceStep.encode(delivery.trace))
            bindings.append(now)
            bindings.append(now)
        }
    }

    public func releaseLeases(owner: String, at: Date) async throws {
        let expired = at.ms - 1
        try await transaction { connection in
            try await connection.rows(
                """
                UPDATE deliveries SET lease_until = \(expired) WHERE state = 'sending' AND lease_owner = \(owner)
                """, logger: self.logger)
            try await connection.rows(
                "UPDATE jobs SET fanout_lease_until = NULL, fanout_owner = NULL WHERE fanout_owner = \(owner)",
                logger: self.logger)
        }
    }
}

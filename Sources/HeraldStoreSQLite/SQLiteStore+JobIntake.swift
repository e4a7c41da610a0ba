import Foundation
import GRDB
import HeraldCore
import Synchronization

/// One job to create, with what its insert needs computed before the write.
struct JobIntake: Sendable {
    var spec: JobSpec
    var json: String
    var bodyHash: String
    var at: Date
    var inline: InlineFanout?
    var audience: [String]?
}

extension SQLiteStore {
    /// Concurrent intakes share one write transaction (group commit): SQLite has one writer, and a job and its
    /// inline deliveries touch the same few pages, so N jobs in one commit write those pages to the WAL once
    /// instead of N times. Each job runs in its own savepoint: one job's failure does not undo the others.
    static func makeJobIntake(
        turns: SQLiteWriteTurns, erased: ErasedAddressFilter
    ) -> GroupCommit<JobIntake, JobCreation> {
        GroupCommit(maxGroup: 128) { intakes in
            let urgent = intakes.contains { intake in intake.inline?.isExpress(intake.spec, audience: intake.audience) ?? false }
            return try await turns.write(urgent: urgent) { db in
                intakes.map { intake in
                    Result { try db.inJobSavepoint { try createJob(db, intake, erased: erased) } }
                }
            }
        }
    }

    private static func createJob(_ db: Database, _ intake: JobIntake, erased: ErasedAddressFilter) throws -> JobCreation {
        let spec = intake.spec
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM jobs WHERE idempotency_key = ?"), arguments: [spec.idempotencyKey])
        {
            let existing = try job(from: row)
            return existing.isRepeated(byBodyHash: intake.bodyHash) ? .existing(existing) : .conflict(existingID: existing.id)
        }
        try db.run(
            sql: """
                INSERT INTO jobs (idempotency_key, body_hash, spec, status, lane, priority, created_at)
                VALUES (?, ?, ?, 'accepted', ?, ?, ?)
                """,
            arguments: [
                spec.idempotencyKey, intake.bodyHash, intake.json, spec.lane.rawValue, spec.effectivePriority,
                intake.at.ms,
            ])
        var job = Job(
            id: db.lastInsertedRowID, spec: spec, bodyHash: intake.bodyHash, status: .accepted,
            createdAt: intake.at.truncatedToMilliseconds)
        if let inline = intake.inline, let audience = intake.audience {
            try fanOutInline(db, &job, audience: audience, inline: inline, at: intake.at, erased: erased)
        }
        return .created(job)
    }

    /// The whole audience in the job's own transaction: rows written, cursor at the end, job `active`.
    private static func fanOutInline(
        _ db: Database, _ job: inout Job, audience: [String], inline: InlineFanout, at: Date, erased: ErasedAddressFilter
    ) throws {
        let contacts = try fetchContacts(db, ids: audience)
        let known = Set(contacts.map(\.id))
        let unknown = audience.filter { !known.contains($0) }
        let facts = try loadFacts(
            db, contacts: contacts, since: at.addingTimeInterval(-inline.capLookback), erased: erased)
        try insertDeliveries(db, inline.plan(job, contacts, unknown, facts), at: at.ms)
        job.status = .active
        job.fanoutCursor = String(audience.count)
        job.audienceCount = contacts.count + unknown.count
        try db.run(
            sql: "UPDATE jobs SET status = 'active', fanout_cursor = ?, audience_count = ? WHERE id = ?",
            arguments: [job.fanoutCursor, job.audienceCount, job.id])
    }
}

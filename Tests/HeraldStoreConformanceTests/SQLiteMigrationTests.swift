import Foundation
import GRDB
import GRDBSQLite
import HeraldCore
@testable import HeraldStoreSQLite
import HeraldTestSupport
import Testing

@Suite("SQLite: a database written by the previous schema opens on the new one")
struct SQLiteMigrationTests {
    @Test func queuedWorkAndTracesSurviveThePriorityMigration() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = folder.databasePath

        // The schema as the previous release left it, with one campaign row and one transactional row queued.
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "ops_v1_access_audit")
        let campaign = spec("campaign", purpose: .marketing, ids: ["m"])
        let otp = spec("otp", ids: ["t"])
        try await old.write { db in
            for (id, job, lane) in [(1, campaign, 0), (2, otp, 1)] {
                let json = String(decoding: try HeraldJSON.encoder().encode(job), as: UTF8.self)
                try db.execute(
                    sql: """
                        INSERT INTO jobs (id, idempotency_key, body_hash, spec, status, lane, created_at)
                        VALUES (?, ?, 'h', ?, 'active', ?, 0)
                        """, arguments: [id, job.idempotencyKey, json, lane])
            }
            try db.execute(
                sql: """
                    INSERT INTO deliveries (job_id, contact_id, channel, lane, state, not_before, trace, created_at, updated_at)
                    VALUES (1, 'm', 'email', 0, 'queued', 0, '[{"rule":"old","outcome":"queued","detail":"kept"}]', 0, 0),
                           (2, 't', 'email', 1, 'queued', 10, '[]', 0, 0)
                    """)
        }
        try old.close()

        let store = try SQLiteStore(path: path)
        try await store.migrate()
        try await store.upsertContacts([contact("m", email: "m@x.io"), contact("t", email: "t@x.io")], at: t0)
        // The transactional row still goes first although the campaign row is older, and nothing was lost.
        let claimed = try await claim(store, now: t0, limit: 1)
        #expect(claimed.map(\.contact.id) == ["t"])
        #expect(try await claim(store, now: t0, limit: 5).map(\.contact.id) == ["m"])
        let kept = try await store.deliveries(DeliveryQuery(jobId: 1, limit: 10))
        #expect(kept.first?.trace.first?.detail == "kept")
        try await store.close()
    }
}

@Suite("SQLite: finished deliveries by time, through their own index")
struct SQLiteFinishedIndexTests {
    /// A database from before `engine_v4_finished_index` (one index over every delivery's `updated_at`) keeps
    /// its finished rows visible to retention and the dashboard, and neither reads the queue to find them: on a
    /// table of millions a scan would hold the dashboard (and retention's write turn) for seconds.
    @Test func retentionAndTheDashboardReadFinishedRowsThroughTheIndex() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let path = folder.databasePath

        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "rights_v4_contact_created")
        let job = spec("campaign", purpose: .marketing, ids: ["a", "b"])
        try await old.write { db in
            let json = String(decoding: try HeraldJSON.encoder().encode(job), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO jobs (id, idempotency_key, body_hash, spec, status, lane, created_at)
                    VALUES (1, ?, 'h', ?, 'active', 0, 0)
                    """, arguments: [job.idempotencyKey, json])
            try db.execute(
                sql: """
                    INSERT INTO deliveries (job_id, contact_id, channel, lane, state, not_before, trace, created_at, updated_at)
                    VALUES (1, 'a', 'sms', 0, 'sent', 0, '[]', 0, ?), (1, 'b', 'sms', 0, 'queued', 0, '[]', 0, ?)
                    """, arguments: [t0.ms, t0.ms])
        }
        try old.close()

        let store = try SQLiteStore(path: path)
        try await store.migrate()
        let queries: [(sql: String, arguments: StatementArguments)] = [
            (SQLiteStore.recentFailuresSQL, [10]), (SQLiteStore.throughputSQL, [0]),
            (SQLiteStore.tracesToPruneSQL, [0, 10]), (SQLiteStore.deliveriesToPruneSQL, [0, 10]),
        ]
        for (sql, arguments) in queries {
            let plan = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: arguments).map { $0["detail"] as String }
            }
            #expect(plan.contains { $0.contains("USING INDEX deliveries_finished") }, "\(plan)")
            // A walk of the index in order is fine; a walk of the table is not.
            #expect(!plan.contains { $0 == "SCAN deliveries" || $0 == "SCAN d" }, "\(plan)")
        }
        let points = try await store.throughput(since: t0.addingTimeInterval(-60))
        #expect(points.map(\.sent) == [1])
        #expect(try await store.pruneDeliveries(before: t0.addingTimeInterval(1), limit: 10) == 1)
        #expect(try await store.deliveries(DeliveryQuery(jobId: 1, limit: 10)).map(\.state) == [.queued])
        try await store.close()
    }

    /// SQLite tests a partial index's `IN` list of three or more through a temporary table, built for every row an
    /// update touches. A predicate like that on the queue made each claim and outcome slower than the index it
    /// replaced; the two updates every sent message takes must build none.
    @Test func theClaimAndTheOutcomeBuildNoTableForEachRow() async throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.databasePath)
        try await store.migrate()
        for sql in [SQLiteStore.leaseSQL, SQLiteStore.outcomeSQL] {
            let opcodes = try await store.pool.read { db in
                let explain = try db.makeStatement(sql: "EXPLAIN \(sql)")
                let unbound = [DatabaseValue](repeating: .null, count: Int(sqlite3_bind_parameter_count(explain.sqliteStatement)))
                return try Row.fetchAll(explain, arguments: StatementArguments(unbound)).map { $0["opcode"] as String }
            }
            #expect(opcodes.contains("IdxInsert"), "the update keeps the queue's indexes")
            #expect(!opcodes.contains("OpenEphemeral"), "\(sql)")
        }
        try await store.close()
    }
}

/// A folder of its own for one test's database file, removed at the end of the test.
private struct ScratchFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-migrate-\(UUID().uuidString)")
    var databasePath: String { url.appendingPathComponent("herald.sqlite").path }

    init() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

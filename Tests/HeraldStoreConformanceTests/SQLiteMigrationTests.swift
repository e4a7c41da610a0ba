import Foundation
import GRDB
import HeraldCore
@testable import HeraldStoreSQLite
import HeraldTestSupport
import Testing

@Suite("SQLite: a database written by the previous schema opens on the new one")
struct SQLiteMigrationTests {
    @Test func queuedWorkAndTracesSurviveThePriorityMigration() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("herald.sqlite").path

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

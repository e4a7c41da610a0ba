import Foundation
import GRDB
import Testing

@testable import HeraldStoreSQLite

/// Group commit writes each job in `inJobSavepoint`: a job that fails leaves nothing behind and its error
/// reaches its own caller, while the jobs before and after it in the same transaction are committed.
@Suite struct JobSavepointTests {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("savepoint-\(UUID().uuidString)")

    private func jobsTable() throws -> DatabaseQueue {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("t.sqlite").path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE jobs (key TEXT PRIMARY KEY, part INTEGER)") }
        return queue
    }

    @Test func aFailingJobIsUndoneAndTheOthersInItsTransactionCommit() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let queue = try jobsTable()

        let results: [Result<Int, any Error>] = try queue.write { db in
            ["a", "b", "c"].map { key in
                Result {
                    try db.inJobSavepoint {
                        try db.execute(sql: "INSERT INTO jobs (key, part) VALUES (?, 1)", arguments: [key])
                        // Job b's second write breaks the primary key, after its first one went in.
                        try db.execute(sql: "INSERT INTO jobs (key, part) VALUES (?, 2)", arguments: [key == "b" ? "a" : "\(key)2"])
                        return try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs")!
                    }
                }
            }
        }

        #expect(try results[0].get() == 2)
        #expect(throws: DatabaseError.self) { try results[1].get() }
        #expect(try results[2].get() == 4)
        let keys = try queue.read { db in try String.fetchAll(db, sql: "SELECT key FROM jobs ORDER BY key") }
        #expect(keys == ["a", "a2", "c", "c2"])
    }

    /// When SQLite itself rolls the group's transaction back (a full disk or an I/O error does), the jobs after
    /// it must fail too: run outside any transaction, each would commit on its own and its caller would be told
    /// it was accepted alongside jobs that were lost.
    @Test func noJobRunsAfterTheTransactionWasRolledBack() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let queue = try jobsTable()

        var later: Result<Void, any Error>?
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.inJobSavepoint { try db.execute(sql: "INSERT INTO jobs (key, part) VALUES ('a', 1)") }
                try db.execute(sql: "ROLLBACK")
                later = Result { try db.inJobSavepoint { try db.execute(sql: "INSERT INTO jobs (key, part) VALUES ('b', 1)") } }
            }
        }

        #expect(throws: DatabaseError.self) { try later?.get() }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs") } == 0)
    }

    /// A savepoint outside a transaction would open and commit one of its own: the job would be written alone.
    @Test func outsideATransactionAJobIsRefused() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let queue = try jobsTable()

        #expect(throws: DatabaseError.self) {
            try queue.writeWithoutTransaction { db in
                try db.inJobSavepoint { try db.execute(sql: "INSERT INTO jobs (key, part) VALUES ('a', 1)") }
            }
        }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs") } == 0)
    }
}

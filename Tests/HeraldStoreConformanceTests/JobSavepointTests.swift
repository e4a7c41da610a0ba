import Foundation
import GRDB
import Testing

@testable import HeraldStoreSQLite

/// Group commit writes each job in `inJobSavepoint`: a job that fails leaves nothing behind and its error
/// reaches its own caller, while the jobs before and after it in the same transaction are committed.
@Suite struct JobSavepointTests {
    @Test func aFailingJobIsUndoneAndTheOthersInItsTransactionCommit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("savepoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("t.sqlite").path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE jobs (key TEXT PRIMARY KEY, part INTEGER)") }

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
}

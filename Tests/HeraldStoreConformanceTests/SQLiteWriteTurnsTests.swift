import Foundation
import GRDB
import Synchronization
import Testing

@testable import HeraldStoreSQLite

/// SQLite has one writer: an OTP's write waits for the transaction in progress, not for the campaign's writes
/// queued before it; each write is its own transaction, and one that fails leaves nothing behind.
@Suite struct SQLiteWriteTurnsTests {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("turns-\(UUID().uuidString)")

    private func turns() throws -> SQLiteWriteTurns {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: folder.appendingPathComponent("t.sqlite").path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE log (item TEXT NOT NULL)") }
        return SQLiteWriteTurns(pool: pool)
    }

    @Test("an urgent write goes next, ahead of writes that queued before it; the rest keep their order")
    func urgentGoesNext() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let turns = try turns()
        let order = OrderLog()
        let gate = DispatchSemaphore(value: 0)
        let holder = Task {
            try await turns.write(urgent: false) { _ in
                order.append("in progress")
                gate.wait()
            }
        }
        try await until { order.items.count == 1 }
        var queued: [Task<Void, any Error>] = []
        for index in 0..<3 {
            queued.append(Task { try await turns.write(urgent: false) { _ in order.append("campaign \(index)") } })
            try await until { turns.waiting == index + 1 }
        }
        queued.append(Task { try await turns.write(urgent: true) { _ in order.append("otp") } })
        try await until { turns.waiting == 4 }
        gate.signal()
        try await holder.value
        for task in queued { try await task.value }
        #expect(order.items == ["in progress", "otp", "campaign 0", "campaign 1", "campaign 2"])
    }

    @Test("a write that throws is rolled back and its caller gets the error; the writes queued after it commit")
    func aFailedWriteLeavesNothingAndTheNextGoesOn() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let turns = try turns()
        struct Refused: Error {}
        let started = OrderLog()
        let gate = DispatchSemaphore(value: 0)
        let holder = Task {
            try await turns.write(urgent: false) { db in
                try db.execute(sql: "INSERT INTO log (item) VALUES ('first')")
                started.append("first")
                gate.wait()
            }
        }
        try await until { started.items.count == 1 }
        let failing = Task {
            try await turns.write(urgent: false) { db in
                try db.execute(sql: "INSERT INTO log (item) VALUES ('undone')")
                throw Refused()
            }
        }
        let after = Task { try await turns.write(urgent: false) { db in try db.execute(sql: "INSERT INTO log (item) VALUES ('after')") } }
        try await until { turns.waiting == 2 }
        gate.signal()
        try await holder.value
        await #expect(throws: Refused.self) { try await failing.value }
        try await after.value
        let items = try await turns.write(urgent: false) { db in try String.fetchAll(db, sql: "SELECT item FROM log ORDER BY rowid") }
        #expect(items == ["first", "after"])
    }

    private func until(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        try #require(condition())
    }
}

private final class OrderLog: Sendable {
    private let log = Mutex<[String]>([])
    var items: [String] { log.withLock { $0 } }
    func append(_ item: String) { log.withLock { $0.append(item) } }
}

import Foundation
import GRDB
import Testing

@testable import HeraldStoreSQLite

/// The hot paths bind and read through SQLite's C API (`DirectBinding`, `DirectColumns`): what they store and
/// read must be what GRDB would have stored and read, and a failed statement must leave the cached statement
/// usable, as GRDB's own `execute` does.
@Suite struct DirectBindingTests {
    private func database() throws -> (DatabaseQueue, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("direct-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("t.sqlite").path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, number INTEGER, text TEXT, note TEXT UNIQUE)")
        }
        return (queue, folder)
    }

    @Test("values bound directly read back as GRDB reads them: integers, Persian and Russian text, '' and NULL")
    func roundTrip() throws {
        let (queue, folder) = try database()
        defer { try? FileManager.default.removeItem(at: folder) }
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, number, text, note) VALUES (?, ?, ?, ?)")
            try insert.executeDirect(db) { values in
                values.add(Int64(1))
                values.add(Int?.none)
                values.add("سلام، Привет")
                values.add("")
            }
            try insert.executeDirect(db) { values in
                values.add(2)
                values.add(Int64.min)
                values.add(String?.none)
                values.add("x")
            }
        }
        try queue.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, number, text, note, typeof(note) AS kind FROM t ORDER BY id")
            #expect(rows.count == 2)
            #expect(rows[0]["number"] as Int64? == nil)
            #expect(rows[0]["text"] as String == "سلام، Привет")
            #expect(rows[0]["kind"] as String == "text")
            #expect(rows[0]["note"] as String == "")
            #expect(rows[1]["number"] as Int64 == Int64.min)
            #expect(rows[1]["text"] as String? == nil)
            var read: [(Int64, String?, String)] = []
            try db.makeStatement(sql: "SELECT id, text, note FROM t WHERE id >= ? ORDER BY id").forEachDirect(db) {
                $0.add(1)
            } _: { row in
                read.append((row.int64(0), row.optionalString(1), row.string(2)))
            }
            #expect(read.map(\.0) == [1, 2])
            #expect(read.map(\.1) == ["سلام، Привет", nil])
            #expect(read.map(\.2) == ["", "x"])
        }
    }

    @Test("a constraint violation or a wrong number of values throws, and the cached statement works for the next row")
    func failureLeavesStatementUsable() throws {
        let (queue, folder) = try database()
        defer { try? FileManager.default.removeItem(at: folder) }
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, note) VALUES (?, ?)")
            try insert.executeDirect(db) { values in
                values.add(1)
                values.add("same")
            }
            let duplicate = #expect(throws: DatabaseError.self) {
                try insert.executeDirect(db) { values in
                    values.add(2)
                    values.add("same")
                }
            }
            #expect(duplicate?.resultCode == .SQLITE_CONSTRAINT)
            let tooMany = #expect(throws: DatabaseError.self) {
                try insert.executeDirect(db) { values in
                    values.add(3)
                    values.add("three")
                    values.add("no such parameter")
                }
            }
            #expect(tooMany?.resultCode == .SQLITE_RANGE)
            // One value short would leave the last parameter NULL: refused, as GRDB refuses it.
            let tooFew = #expect(throws: DatabaseError.self) {
                try insert.executeDirect(db) { values in values.add(5) }
            }
            #expect(tooFew?.resultCode == .SQLITE_MISUSE)
            try insert.executeDirect(db) { values in
                values.add(4)
                values.add("four")
            }
            // GRDB runs the same cached statement afterwards with its own arguments.
            try insert.execute(arguments: [6, "six"])
            #expect(try Int64.fetchAll(db, sql: "SELECT id FROM t ORDER BY id") == [1, 4, 6])
            #expect(try String.fetchAll(db, sql: "SELECT note FROM t ORDER BY id") == ["same", "four", "six"])
        }
    }
}

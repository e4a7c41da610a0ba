import Foundation
import HeraldCore
import HeraldStoreSQLite
import Testing

/// The personal strings one erasure test plants, and where a reader of the raw storage would find them.
enum PersonalData {
    static let email = "shirin.erasure@example.org"
    static let phone = "+989121234567"
    static let ip = "203.0.113.77"
    static let userAgent = "EvidenceAgent/9.9 (erasure test)"
    static let formText = "I agree, signed Shirin Erasure-Test"
    static let firstName = "ShirinAttribute"
    static let all = [email, phone, ip, userAgent, formText, firstName]

    static func evidence(_ n: Int) -> JSONValue {
        .object(["ip": .string(ip), "user_agent": .string(userAgent), "form": .string(formText), "n": .number(Double(n))])
    }
}

/// What someone holding the raw storage could read: for SQLite the database file and its WAL, byte for byte;
/// for PostgreSQL a data dump of the schema (what a backup taken now would hold).
func rawStorage(_ fixture: any StoreFixture) throws -> Data {
    if let sqlite = fixture as? SQLiteFixture {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: sqlite.path))
        if let wal = FileManager.default.contents(atPath: sqlite.path + "-wal") { bytes += wal }
        return bytes
    }
    let postgres = try #require(fixture as? PostgresFixture)
    return try postgres.dataDump()
}

extension PostgresFixture {
    func dataDump() throws -> Data {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let candidates =
            versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { "/usr/lib/postgresql/\($0)/bin/pg_dump" } + ["/usr/bin/pg_dump"]
        let tool = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--data-only", "--schema=\(schema)", baseURL]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return data
    }
}

/// Which of `needles` occur in `haystack`.
func found(_ needles: [String], in haystack: Data) -> [String] {
    needles.filter { haystack.range(of: Data($0.utf8)) != nil }
}

func erasable(_ store: any Store) throws -> any ContactErasureStore {
    try #require(store as? any ContactErasureStore)
}

func erase(
    _ store: any Store, _ id: String, at time: Date = t0.addingTimeInterval(100), block: Bool = false
) async throws -> ContactErasure? {
    let settings = ErasureSettings(blockedAddressKey: block ? Array("test-key".utf8) : nil)
    return try await ContactEraser.erase(id, store: store, settings: settings, actor: "test", at: time)
}

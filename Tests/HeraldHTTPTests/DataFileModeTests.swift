import Foundation
import HeraldCore
import HeraldDaemon
import HeraldStoreSQLite
import Testing

/// Contacts, evidence and keys are readable by their owner only: files 0600 in a 0700 data folder.
@Suite("Data file modes")
struct DataFileModeTests {
    private static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    private static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("herald-modes-\(UUID().uuidString)")
            .appendingPathComponent("herald-data")
    }

    @Test("the SQLite file, its WAL and SHM, admin.key and generated secrets are 0600 in a 0700 folder")
    func freshDataFolder() async throws {
        let data = Self.folder()
        defer { try? FileManager.default.removeItem(at: data.deletingLastPathComponent()) }
        let database = data.appendingPathComponent("herald.sqlite")
        let store = try SQLiteStore(path: database.path)
        try await store.migrate()
        try await store.upsertContacts([Contact(id: "u1", email: "u1@example.com")], at: Date())
        let adminKey = try #require(try await AdminKey.ensure(store: store, dataDirectory: data, now: Date()))
        _ = try Secrets.generatedSecret(named: "unsubscribe.secret", in: data)

        #expect(try Self.mode(data) == 0o700)
        for name in ["herald.sqlite", "herald.sqlite-wal", "herald.sqlite-shm", "unsubscribe.secret"] {
            #expect(try Self.mode(data.appendingPathComponent(name)) == 0o600, "\(name)")
        }
        #expect(try Self.mode(adminKey) == 0o600)
        try await store.close()
    }

    @Test("a database left readable by an older version is tightened at open")
    func existingLooseFiles() async throws {
        let data = Self.folder()
        defer { try? FileManager.default.removeItem(at: data.deletingLastPathComponent()) }
        let database = data.appendingPathComponent("herald.sqlite")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        _ = FileManager.default.createFile(atPath: database.path, contents: nil, attributes: [.posixPermissions: 0o644])
        let store = try SQLiteStore(path: database.path)
        try await store.migrate()
        #expect(try Self.mode(database) == 0o600)
        #expect(try Self.mode(data.appendingPathComponent("herald.sqlite-wal")) == 0o600)
        try await store.close()
    }
}

import Foundation
import GRDB
import HeraldCore
import Synchronization

/// The embedded default store: one SQLite file in WAL mode, written through one serialized writer.
public final class SQLiteStore: Store {
    let pool: DatabasePool
    /// Decoded job specs, so claiming a batch does not decode the same job once per delivery.
    let specCache = JobSpecCache()
    /// Job intake's group commit.
    let jobIntake: GroupCommit<JobIntake, JobCreation>
    public let erasedAddresses = ErasedAddressFilter()
    let turns: SQLiteWriteTurns
    /// Holds back the return of a stop's write until the sends already checked are handed over (`SendHold`).
    /// In-process: a `herald` command writing beside the daemon is not fenced.
    let sendFence = SendFence()

    public init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            // WAL + NORMAL: a committed transaction survives a crash of the process (kill -9);
            // only an OS crash or power loss can roll back the last few.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Zero whatever an update or delete frees (cells and whole pages), so neither an erased contact
            // nor its earlier versions linger in free space. Debian's SQLite defaults to this; other builds
            // (macOS) do not, so it is set explicitly.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // The writer walks the queue's indexes on every claim and outcome: with SQLite's 2 MB default its
            // pages came back through pread() (6% of a campaign's CPU). 8 MB holds the hot ones and keeps peak RSS
            // under 150 MB (16 MB measured 155 MiB once). Readers keep the default.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -8192") }
        }
        config.busyMode = .timeout(10)
        // SQLite gives the WAL and SHM files the database file's mode, so a 0600 database keeps all three private.
        let file = URL(fileURLWithPath: path)
        try PrivateFiles.prepareFolder(file.deletingLastPathComponent())
        try PrivateFiles.ensureFile(file)
        for suffix in ["-wal", "-shm"] { PrivateFiles.tighten(URL(fileURLWithPath: path + suffix)) }
        pool = try DatabasePool(path: path, configuration: config)
        turns = SQLiteWriteTurns(pool: pool)
        jobIntake = Self.makeJobIntake(turns: turns, erased: erasedAddresses)
    }

    /// Every write goes through here: one transaction, in its turn (`SQLiteWriteTurns`).
    func write<T: Sendable>(urgent: Bool = false, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await turns.write(urgent: urgent, updates)
    }

    func writeWithoutTransaction<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await turns.run(urgent: false, updates)
    }

    public func migrate() async throws {
        // GRDB's migrator holds the writer itself and skips migrations already applied.
        try Self.migrator.migrate(pool)
    }

    public func close() async throws {
        try pool.close()
    }
}

extension Date {
    var ms: Int64 { millisecondsSince1970 }
}

/// A comma-separated list of `?` for `IN (…)` clauses.
func placeholders(_ count: Int) -> String {
    Array(repeating: "?", count: count).joined(separator: ",")
}

extension Database {
    /// Runs a statement kept compiled in the connection's cache: the hot paths run the same SQL per row.
    func run(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

import Foundation
import HeraldCore
import HeraldStorePostgres
import HeraldStoreSQLite
import Logging

public enum StoreFactory {
    /// `sqlite:PATH` (the default) or `postgres://…`. Migrations run at open.
    ///
    /// A PostgreSQL server that is not reachable yet (a compose stack starting up) is retried with backoff
    /// for about `postgresWait`; after that the error says `store_unavailable` and which host it tried.
    /// The Postgres store runs its own connection pool until `close()`.
    public static func open(
        _ storage: String, postgresWait: Duration = .seconds(15),
        logger: Logger = Logger(label: "herald.store")
    ) async throws -> any Store & TemplateStore {
        if storage.hasPrefix("sqlite:") {
            let store = try SQLiteStore(path: String(storage.dropFirst("sqlite:".count)))
            try await store.migrate()
            return store
        }
        if storage.hasPrefix("postgres://") || storage.hasPrefix("postgresql://") {
            let store = try PostgresStore(url: storage, logger: logger)
            do {
                try await migrateWithBackoff(store, wait: postgresWait, logger: logger)
            } catch {
                try? await store.close()
                throw error
            }
            return store
        }
        throw HeraldError(
            code: "config_invalid", message: "storage must be sqlite:PATH or postgres://…", field: "storage")
    }

    /// SQLite writes through one writer, so an OTP's writes wait for a campaign's transaction in progress;
    /// PostgreSQL's do not (row locks, many connections), and there bulk work keeps its full batches.
    public static func writesOneAtATime(_ store: any Store) -> Bool { store is SQLiteStore }

    private static func migrateWithBackoff(_ store: PostgresStore, wait: Duration, logger: Logger) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait)
        var delay = Duration.milliseconds(250)
        while true {
            do {
                try await store.migrate()
                return
            } catch let error as HeraldError where error.code == "store_unavailable" && clock.now + delay < deadline {
                logger.warning("database not reachable yet, retrying", metadata: ["error": "\(error.message)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(4))
            }
        }
    }
}

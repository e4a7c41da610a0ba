import Foundation
import HeraldCore
import HeraldStoreSQLite

public enum StoreFactory {
    /// `sqlite:PATH` (the default) or `postgres://…`. Migrations run at open.
    public static func open(_ storage: String) async throws -> any Store {
        if storage.hasPrefix("sqlite:") {
            let store = try SQLiteStore(path: String(storage.dropFirst("sqlite:".count)))
            try await store.migrate()
            return store
        }
        throw HeraldError(
            code: "config_invalid", message: "storage must be sqlite:PATH or postgres://…", field: "storage")
    }
}

import GRDB
import HeraldCore

extension SQLiteStore {
    public func forgetWebhookEndpoint(_ endpoint: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM webhook_retries WHERE endpoint = ?", arguments: [endpoint])
            let retries = db.changesCount
            try db.execute(sql: "DELETE FROM webhook_cursors WHERE endpoint = ?", arguments: [endpoint])
            return retries + db.changesCount > 0
        }
    }
}

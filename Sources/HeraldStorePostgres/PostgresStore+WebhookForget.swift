import HeraldCore
import PostgresNIO

extension PostgresStore {
    public func forgetWebhookEndpoint(_ endpoint: String) async throws -> Bool {
        try await transaction { connection in
            let retries = try await connection.rows(
                "DELETE FROM webhook_retries WHERE endpoint = \(endpoint) RETURNING event_id", logger: self.logger)
            let cursors = try await connection.rows(
                "DELETE FROM webhook_cursors WHERE endpoint = \(endpoint) RETURNING endpoint", logger: self.logger)
            return !retries.isEmpty || !cursors.isEmpty
        }
    }
}

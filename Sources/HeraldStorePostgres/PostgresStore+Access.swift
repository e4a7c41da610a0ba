import Foundation
import HeraldCore
import Logging
import PostgresNIO

extension PostgresStore {
    /// Runs `body` in one transaction. A deadlock or serialization failure (another node won a race) is
    /// retried a few times; every other failure surfaces as a `HeraldError`.
    /// `deadline` bounds the whole call (nil for migrations, which may build indexes on big tables).
    func transaction<Result: Sendable>(
        deadline: Duration? = PostgresStore.operationDeadline,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await withConnectionDeadline(total: deadline) { leased in
                    try await self.client.withTransaction(logger: self.logger) { connection in
                        leased()
                        return try await body(connection)
                    }
                }
            } catch {
                let unwrapped = Self.unwrap(error)
                if attempt < 4, Self.isRetryable(unwrapped) { continue }
                throw Self.storeError(unwrapped, url: url)
            }
        }
    }

    /// Runs one statement outside an explicit transaction and collects its rows.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            return try await withConnectionDeadline { leased in
                try await self.client.withConnection { connection in
                    leased()
                    return try await connection.query(query, logger: self.logger).collect()
                }
            }
        } catch {
            throw Self.storeError(error, url: url)
        }
    }

    static func unwrap(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            return transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? error
        }
        return error
    }

    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// Maps driver errors to `HeraldError`: unreachable → `store_unavailable` (503), anything else from the
    /// server → `store_error` with its SQLSTATE. Messages name host and port, never credentials or values.
    static func storeError(_ error: any Error, url: PostgresURL) -> any Error {
        let error = unwrap(error)
        if error is HeraldError || error is CancellationError { return error }
        if error is DecodingError || error is EncodingError {
            return HeraldError(code: "store_error", message: "stored data could not be read", statusCode: 500)
        }
        if let psql = error as? PSQLError, psql.code == .server {
            let state = psql.serverInfo?[.sqlState] ?? "?"
            // Class 08 is connection exceptions, 57P0x the server shutting down, 53 insufficient resources.
            if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") {
                return unavailable(url, "\(state) \(psql.serverInfo?[.message] ?? "")")
            }
            if state == "28P01" || state == "28000" || state == "3D000" {
                return unavailable(url, "\(state) \(psql.serverInfo?[.message] ?? "connection rejected")")
            }
            return HeraldError(code: "store_error", message: "PostgreSQL error \(state)", statusCode: 500)
        }
        if let psql = error as? PSQLError {
            return unavailable(url, "\(psql.code)")
        }
        // Connection refused, name resolution, pool closed or circuit breaker tripped.
        return unavailable(url, String(describing: type(of: error)))
    }

    private static func unavailable(_ url: PostgresURL, _ reason: String) -> HeraldError {
        HeraldError(
            code: "store_unavailable", message: "PostgreSQL at \(url.redacted) is unavailable (\(reason))",
            statusCode: 503)
    }
}

extension PostgresConnection {
    /// Runs one statement and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}

extension PostgresRandomAccessRow {
    func get<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}

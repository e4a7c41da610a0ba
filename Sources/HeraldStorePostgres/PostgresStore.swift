import Foundation
import HeraldCore
import Logging
import PostgresNIO
import Synchronization

/// The shared store for many Herald nodes on one PostgreSQL database.
///
/// It owns its `PostgresClient` (a connection pool) and runs the client's `run()` in a task of its own from
/// `init` until `close()`, so the daemon uses it like any other `Store`: open, `migrate()`, use, `close()`
/// after the service group has finished. Dates are BIGINT milliseconds and JSON is TEXT, as in SQLite.
public final class PostgresStore: Store {
    let client: PostgresClient
    let url: PostgresURL
    let logger: Logger
    private let runner: Task<Void, Never>
    /// Decoded job specs, so claiming a batch does not decode the same job once per delivery.
    let specCache = JobSpecCache()
    public let erasedAddresses = ErasedAddressFilter()
    /// Holds back the return of a stop's write until the sends already checked, on any node, are handed over.
    let sendFence: PostgresSendFence

    /// `url` is a `postgres://` storage string; see `PostgresURL`.
    public convenience init(url: String, logger: Logger = Logger(label: "herald.store.postgres")) throws {
        self.init(url: try PostgresURL(url), logger: logger)
    }

    public init(
        url: PostgresURL, maximumConnections: Int = 10, sendFenceLimits: PostgresSendFenceLimits = PostgresSendFenceLimits(),
        logger: Logger = Logger(label: "herald.store.postgres")
    ) {
        var configuration = url.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        // The pool's own chatter (a connection opened or dropped) is noise unless something is wrong.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.client = client
        self.url = url
        self.logger = logger
        sendFence = PostgresSendFence(holds: maximumConnections / 2, limits: sendFenceLimits)
        runner = Task { await client.run() }
    }

    public func migrate() async throws {
        try await probe()
        try await runMigrations()
    }

    /// Stops the pool: queries after this fail with `store_unavailable`.
    public func close() async throws {
        runner.cancel()
        await runner.value
    }

    /// One direct connection, so an unreachable or misconfigured server fails at once with its reason rather
    /// than after the pool's circuit breaker gives up.
    public func probe() async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try url.connectionConfiguration(), id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw Self.storeError(error, url: url)
        }
    }
}

extension Date {
    var ms: Int64 { millisecondsSince1970 }
}

import HeraldCore
import Synchronization

extension PostgresStore {
    /// How long a call waits for a pooled connection. postgres-nio queues a request until a connection
    /// opens, so while the server is down an API call would hang for the whole outage; after this it
    /// answers `store_unavailable` (503) instead. Only the wait is bounded: a long statement is not cut.
    static let connectionWait: Duration = .seconds(4)

    /// Runs `body`, which must call the `leased` closure it is given once it holds a connection; throws
    /// `store_unavailable` if that has not happened within `connectionWait` (the waiting lease is cancelled).
    func withConnectionDeadline<Result: Sendable>(
        _ body: @escaping @Sendable (_ leased: @escaping @Sendable () -> Void) async throws -> Result
    ) async throws -> Result {
        let leased = LeaseFlag()
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body { leased.value.store(true, ordering: .releasing) } }
            group.addTask {
                try await Task.sleep(for: Self.connectionWait)
                if leased.value.load(ordering: .acquiring) { return nil }
                throw HeraldError(
                    code: "store_unavailable",
                    message: "PostgreSQL at \(self.url.redacted) is unavailable (no connection within \(Self.connectionWait))",
                    statusCode: 503)
            }
            while let next = try await group.next() {
                guard let result = next else { continue }
                group.cancelAll()
                return result
            }
            throw CancellationError()
        }
    }
}

/// Set once the body holds a connection; read by the deadline task.
private final class LeaseFlag: Sendable {
    let value = Atomic<Bool>(false)
}

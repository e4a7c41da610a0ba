import HeraldCore
import Synchronization

extension PostgresStore {
    /// How long a call waits for a usable pooled connection (`connection_wait` in the storage string, 4 s by
    /// default). postgres-nio queues a request until a connection opens, so while the server is down an API
    /// call would hang for the whole outage; after this it answers `store_unavailable` (503) instead. Only the
    /// wait is bounded: a long statement is not cut.
    var connectionWait: Duration { url.connectionWait }
    /// The longest any call except a migration may take. Seen in tests: a request whose connection the server
    /// dropped mid-transaction can stay suspended inside postgres-nio for good; without this bound the
    /// fan-out loop that made it never ran again. Engine and API statements take milliseconds.
    static let operationDeadline: Duration = .seconds(30)

    /// Runs `body`, which must call the `leased` closure it is given once its connection has answered;
    /// throws `store_unavailable` if that has not happened within `connectionWait`, or if the whole call
    /// outlasts `total`. The body is then cancelled but not awaited: a request stuck on a connection the
    /// server dropped must not hold the caller (an engine loop, an API request) past the outage.
    func withConnectionDeadline<Result: Sendable>(
        total: Duration? = PostgresStore.operationDeadline,
        _ body: @escaping @Sendable (_ leased: @escaping @Sendable () -> Void) async throws -> Result
    ) async throws -> Result {
        let connectionWait = self.connectionWait
        let state = DeadlineState<Result>()
        let unavailable = HeraldError(
            code: "store_unavailable",
            message: "PostgreSQL at \(url.redacted) is unavailable (no connection within \(connectionWait))",
            statusCode: 503)
        // The whole call may always take at least as long as its wait for a connection.
        let overall = total.map { max($0, connectionWait * 2) }
        let stuck = overall.map { total in
            HeraldError(
                code: "store_unavailable", message: "PostgreSQL at \(url.redacted) did not answer within \(total)",
                statusCode: 503)
        }
        return try await withCheckedThrowingContinuation { continuation in
            state.start(continuation)
            // One timer per call, cancelled as soon as the work is done, so finished calls leave nothing sleeping.
            let timer = Task {
                do {
                    try await Task.sleep(for: connectionWait)
                    if state.timeOut(with: unavailable, evenIfLeased: false) { return }
                    guard let overall, let stuck else { return }
                    try await Task.sleep(for: overall - connectionWait)
                    _ = state.timeOut(with: stuck, evenIfLeased: true)
                } catch {
                    // Cancelled: the work finished first.
                }
            }
            state.track(
                Task {
                    do {
                        state.finish(.success(try await body { state.markLeased() }))
                    } catch {
                        state.finish(.failure(error))
                    }
                    timer.cancel()
                })
        }
    }
}

/// Who resumes the caller first: the work finishing, or the deadline passing before a connection answered.
private final class DeadlineState<Result: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result, any Error>?
        var leased = false
        var timedOut = false
        var work: Task<Void, Never>?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Result, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func markLeased() { state.withLock { $0.leased = true } }

    /// The work to cancel when the deadline wins.
    func track(_ work: Task<Void, Never>) {
        let cancelNow = state.withLock { state in
            state.work = work
            return state.timedOut
        }
        if cancelNow { work.cancel() }
    }

    func finish(_ result: Swift.Result<Result, any Error>) {
        state.withLock { $0.continuation.take() }?.resume(with: result)
    }

    /// True when the deadline won (the caller got `error`, the work is cancelled); false when the work was done
    /// first, or a connection had answered and `evenIfLeased` is false.
    func timeOut(with error: HeraldError, evenIfLeased: Bool) -> Bool {
        let (continuation, work) = state.withLock { state -> (CheckedContinuation<Result, any Error>?, Task<Void, Never>?) in
            guard !(state.leased && !evenIfLeased), let continuation = state.continuation.take() else { return (nil, nil) }
            state.timedOut = true
            return (continuation, state.work)
        }
        guard let continuation else { return false }
        continuation.resume(throwing: error)
        work?.cancel()
        return true
    }
}

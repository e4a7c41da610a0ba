import Synchronization

/// Group commit: concurrent callers' writes share one store transaction instead of each paying for its own.
///
/// The first caller with nothing in flight becomes the leader and writes everything queued so far in one call
/// of `write`; callers arriving meanwhile queue up and go in the next group. Nobody waits for a timer: a lone
/// caller is written at once, and a group is as large as the writes that arrived during the previous commit.
/// Each caller resumes only after its group's transaction committed (or failed), so an acknowledged write is
/// durable exactly as a lone transaction would be.
public final class GroupCommit<Request: Sendable, Response: Sendable>: Sendable {
    public typealias Outcome = Result<Response, any Error>

    private struct Waiter {
        var request: Request
        var continuation: CheckedContinuation<Response, any Error>
    }

    private struct State {
        var queued: [Waiter] = []
        var writing = false
    }

    private let state = Mutex(State())
    private let maxGroup: Int
    /// Writes a group in one transaction: one outcome per request, in order. Throwing fails the whole group.
    private let write: @Sendable ([Request]) async throws -> [Outcome]

    public init(maxGroup: Int = 256, write: @escaping @Sendable ([Request]) async throws -> [Outcome]) {
        self.maxGroup = max(1, maxGroup)
        self.write = write
    }

    public func submit(_ request: Request) async throws -> Response {
        try await withCheckedThrowingContinuation { continuation in
            let leads = state.withLock { state in
                state.queued.append(Waiter(request: request, continuation: continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if leads { Task { await self.writeQueued() } }
        }
    }

    /// Writes waiting for the next group.
    public var queuedCount: Int { state.withLock { $0.queued.count } }

    /// Writes groups until the queue is empty, then steps down.
    private func writeQueued() async {
        while let group = nextGroup() {
            do {
                let outcomes = try await write(group.map(\.request))
                precondition(outcomes.count == group.count, "one outcome per request")
                for (waiter, outcome) in zip(group, outcomes) { waiter.continuation.resume(with: outcome) }
            } catch {
                for waiter in group { waiter.continuation.resume(throwing: error) }
            }
        }
    }

    private func nextGroup() -> [Waiter]? {
        state.withLock { state in
            guard !state.queued.isEmpty else {
                state.writing = false
                return nil
            }
            let count = min(maxGroup, state.queued.count)
            let group = Array(state.queued.prefix(count))
            state.queued.removeFirst(count)
            return group
        }
    }
}

import Synchronization

/// Whose write goes next on SQLite's single writer. GRDB serves writes first come, first served, so an OTP's
/// intake and its express claim each waited behind every campaign claim, outcome and fan-out batch already
/// queued (two or three transactions of 5–15 ms each). Here writes take turns, urgent ones first: an urgent
/// write waits at most for the transaction in progress. Bodies must not start another write (no nesting).
final class SQLiteWriteTurns: Sendable {
    private struct State {
        var busy = false
        var urgent: [CheckedContinuation<Void, Never>] = []
        var other: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Writes waiting for their turn.
    var waiting: Int { state.withLock { $0.urgent.count + $0.other.count } }

    func run<T>(urgent: Bool, _ body: () async throws -> T) async throws -> T {
        await acquire(urgent: urgent)
        defer { release() }
        return try await body()
    }

    private func acquire(urgent: Bool) async {
        await withCheckedContinuation { continuation in
            let free = state.withLock { state in
                guard state.busy else {
                    state.busy = true
                    return true
                }
                if urgent { state.urgent.append(continuation) } else { state.other.append(continuation) }
                return false
            }
            if free { continuation.resume() }
        }
    }

    /// Hands the writer to the next waiter (the turn stays taken) or frees it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if !state.urgent.isEmpty { return state.urgent.removeFirst() }
            if !state.other.isEmpty { return state.other.removeFirst() }
            state.busy = false
            return nil
        }
        next?.resume()
    }
}

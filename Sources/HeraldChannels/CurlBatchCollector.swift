import Synchronization

/// Gathers the outcomes of a batch of jobs, which finish in any order on any loop thread, and resumes
/// the waiting caller once, when the last one is in.
final class CurlBatchCollector<Outcome: Sendable>: Sendable {
    private struct State {
        var outcomes: [Outcome]
        var remaining: Int
    }

    private let state: Mutex<State>
    private let continuation: CheckedContinuation<[Outcome], Never>

    init(count: Int, placeholder: Outcome, continuation: CheckedContinuation<[Outcome], Never>) {
        state = Mutex(State(outcomes: Array(repeating: placeholder, count: count), remaining: count))
        self.continuation = continuation
    }

    func finish(_ index: Int, with outcome: Outcome) {
        let outcomes = state.withLock { state -> [Outcome]? in
            state.outcomes[index] = outcome
            state.remaining -= 1
            return state.remaining == 0 ? state.outcomes : nil
        }
        if let outcomes { continuation.resume(returning: outcomes) }
    }
}

import Synchronization

/// Taken by the last check before a send (`Store.lateChanges`) and ended once the messages it admitted are
/// handed to their driver. While it lasts, the store holds back the acknowledgement of a revocation, cancel,
/// erasure or suppression (`drain`), so nothing that check let through can reach a provider after the 201.
/// Shared by every caller of one check (`share`); the last `end` ends it, and so does dropping it.
public final class SendHold: Sendable {
    private let state: Mutex<(holders: Int, release: (@Sendable () -> Void)?)>

    public init(release: @escaping @Sendable () -> Void) {
        state = Mutex((1, release))
    }

    /// A hold that holds nothing back, for stores with nothing to fence.
    public static func none() -> SendHold { SendHold {} }

    /// `count` more callers now share this hold; each of them ends it once.
    public func share(with count: Int) {
        state.withLock { $0.holders += count }
    }

    public func end() {
        let release = state.withLock { state -> (@Sendable () -> Void)? in
            state.holders -= 1
            guard state.holders <= 0 else { return nil }
            defer { state.release = nil }
            return state.release
        }
        release?()
    }

    deinit {
        state.withLock { $0.release }?()
    }
}

/// The in-process fence for a store that a single process owns (SQLite): holds are counted by generation,
/// and a drain waits for every hold taken before it to end. A hold taken after a drain began reads the ledger
/// after the stop committed, so it needs no waiting for.
public final class SendFence: Sendable {
    private struct State {
        var generation: UInt64 = 0
        /// Generation → holds of it not yet ended.
        var open: [UInt64: Int] = [:]
        var drains: [(through: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Taken before the read that decides whether messages may go.
    public func hold() -> SendHold {
        let generation = state.withLock { state in
            state.open[state.generation, default: 0] += 1
            return state.generation
        }
        return SendHold { [self] in end(generation) }
    }

    /// Returns once every hold taken before the call has ended. Called after a stop commits.
    public func drain() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                let through = state.generation
                state.generation += 1
                guard state.open.keys.contains(where: { $0 <= through }) else { return true }
                state.drains.append((through, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func end(_ generation: UInt64) {
        let finished = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open[generation, default: 1] -= 1
            if state.open[generation] == 0 { state.open[generation] = nil }
            let oldest = state.open.keys.min() ?? .max
            let finished = state.drains.filter { $0.through < oldest }.map(\.continuation)
            state.drains.removeAll { $0.through < oldest }
            return finished
        }
        for continuation in finished { continuation.resume() }
    }
}

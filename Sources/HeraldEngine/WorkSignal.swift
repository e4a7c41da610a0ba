import Foundation
import Synchronization

/// Wakes idle loops early when new work arrives (a job accepted, a fan-out batch written), so a
/// transactional message does not wait for the next poll.
public final class WorkSignal: Sendable {
    private struct State {
        var pending = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func notify() {
        let waiters = state.withLock { state in
            let waiting = state.waiters.values
            state.waiters = [:]
            state.pending = waiting.isEmpty
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when notified, after `timeout`, or when the task is cancelled, whichever is first.
    public func wait(timeout: TimeInterval) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: .seconds(timeout)) }
            group.addTask { await self.waitForNotify() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Ends when notified or cancelled. Cancellation must end it on its own: the group's timer half can finish
    /// (cancelled, or timed out) before this half has even registered, and the group then waits for it.
    private func waitForNotify() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    // Checked under the lock the cancellation handler takes: it either finds this waiter or ran
                    // before it registered, and then the task is already marked cancelled.
                    if Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}

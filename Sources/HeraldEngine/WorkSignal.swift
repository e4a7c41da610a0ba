import Foundation
import Synchronization

/// Wakes idle loops early when new work arrives (a job accepted, a fan-out batch written), so a
/// transactional message does not wait for the next poll.
public final class WorkSignal: Sendable {
    private let state = Mutex<(pending: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    public func notify() {
        let waiters = state.withLock { state in
            let waiting = state.waiters
            state.waiters = []
            state.pending = waiting.isEmpty
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when notified or after `timeout`, whichever is first.
    public func wait(timeout: TimeInterval) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: .seconds(timeout)) }
            group.addTask { await self.waitForNotify() }
            await group.next()
            group.cancelAll()
            self.notifyWaitersOnCancel()
        }
    }

    private func waitForNotify() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.pending {
                    state.pending = false
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// A wait that timed out leaves its continuation behind; release them so no task hangs.
    private func notifyWaitersOnCancel() {
        let waiters = state.withLock { state in
            let waiting = state.waiters
            state.waiters = []
            return waiting
        }
        for waiter in waiters { waiter.resume() }
    }
}

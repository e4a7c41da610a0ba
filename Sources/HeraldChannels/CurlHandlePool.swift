import Dispatch
import Synchronization

/// A bounded pool of curl easy handles to one relay. Idle handles are reused most-recent-first, so
/// a trickle of messages keeps going over one warm connection; the pool size bounds concurrency.
/// Blocking curl work runs on each handle's own serial queue, never on a Swift concurrency thread.
final class CurlHandlePool: Sendable {
    private struct State {
        var idle: [CurlEasy] = []
        var created = 0
        var waiters: [CheckedContinuation<CurlEasy?, Never>] = []
        var closed = false
    }

    private enum Acquisition {
        case ready(CurlEasy?)
        case create
        case wait
    }

    let capacity: Int
    private let makeHandle: @Sendable () -> CurlEasy?
    private let state = Mutex(State())

    init(capacity: Int, makeHandle: @escaping @Sendable () -> CurlEasy?) {
        self.capacity = capacity
        self.makeHandle = makeHandle
    }

    /// Runs `body` with a handle on that handle's queue; nil when the pool is shut down or libcurl
    /// could not create a handle.
    func withHandle<Result: Sendable>(_ body: @escaping @Sendable (CurlEasy) -> Result) async -> Result? {
        guard let handle = await acquire() else { return nil }
        let result = await withCheckedContinuation { continuation in
            handle.queue.async { continuation.resume(returning: body(handle)) }
        }
        release(handle)
        return result
    }

    /// Closes every connection (libcurl sends QUIT); handles in use close when they come back.
    func shutdown() async {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
        for handle in idle {
            await withCheckedContinuation { continuation in
                handle.queue.async {
                    handle.close()
                    continuation.resume()
                }
            }
        }
    }

    private func acquire() async -> CurlEasy? {
        await withCheckedContinuation { continuation in
            let acquisition: Acquisition = state.withLock { state in
                if state.closed { return .ready(nil) }
                if let handle = state.idle.popLast() { return .ready(handle) }
                if state.created < capacity {
                    state.created += 1
                    return .create
                }
                state.waiters.append(continuation)
                return .wait
            }
            switch acquisition {
            case .ready(let handle):
                continuation.resume(returning: handle)
            case .create:
                let handle = makeHandle()
                if handle == nil { state.withLock { $0.created -= 1 } }
                continuation.resume(returning: handle)
            case .wait:
                break
            }
        }
    }

    private func release(_ handle: CurlEasy) {
        let (waiter, closed): (CheckedContinuation<CurlEasy?, Never>?, Bool) = state.withLock { state in
            if state.closed { return (nil, true) }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), false) }
            state.idle.append(handle)
            return (nil, false)
        }
        if closed { handle.queue.async { handle.close() } }
        waiter?.resume(returning: handle)
    }
}

import Foundation
import HeraldCore
import Synchronization

/// `/readyz` for the daemon: ready while the store answers a trivial query within `timeout`.
public enum StoreReadiness {
    public static func check(
        _ store: any Store, timeout: Duration = .seconds(2)
    ) -> @Sendable () async -> (ready: Bool, detail: [String: String]) {
        guard let health = store as? any StoreHealth else { return { (true, ["store": "unchecked"]) } }
        return {
            switch await pingWithin(health, timeout: timeout) {
            case nil:
                return (true, ["store": "ok"])
            case let error as HeraldError:
                return (false, ["store": "unavailable", "reason": error.message])
            case let error?:
                return (false, ["store": "unavailable", "reason": String(describing: type(of: error))])
            }
        }
    }

    /// The ping's error, a timeout error, or nil. A pool waiting on an unreachable server may take its own
    /// connect timeout (or longer) to give up, so the answer does not wait for the ping to finish.
    private static func pingWithin(_ health: any StoreHealth, timeout: Duration) async -> (any Error)? {
        await withCheckedContinuation { (continuation: CheckedContinuation<(any Error)?, Never>) in
            let once = ResumeOnce(continuation)
            let resume: @Sendable ((any Error)?) -> Void = { once.resume($0) }
            let ping = Task {
                do {
                    try await health.ping()
                    resume(nil)
                } catch {
                    resume(error)
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                ping.cancel()
                resume(
                    HeraldError(
                        code: "store_unavailable", message: "the store did not answer within \(timeout)", statusCode: 503))
            }
        }
    }
}

/// Resumes a continuation with the first answer only; the later one is dropped.
private final class ResumeOnce: Sendable {
    private let pending: Mutex<CheckedContinuation<(any Error)?, Never>?>

    init(_ continuation: CheckedContinuation<(any Error)?, Never>) { pending = Mutex(continuation) }

    func resume(_ result: (any Error)?) {
        pending.withLock { $0.take() }?.resume(returning: result)
    }
}

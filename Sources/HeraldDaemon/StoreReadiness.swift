import Foundation
import HeraldCore

/// `/readyz` for the daemon: ready while the store answers a trivial query within `timeout`.
public enum StoreReadiness {
    public static func check(
        _ store: any Store, timeout: Duration = .seconds(2)
    ) -> @Sendable () async -> (ready: Bool, detail: [String: String]) {
        guard let health = store as? any StoreHealth else { return { (true, ["store": "unchecked"]) } }
        return {
            do {
                // A pool waiting on an unreachable server can take its own connect timeout; do not wait for it.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await health.ping() }
                    group.addTask {
                        try await Task.sleep(for: timeout)
                        throw HeraldError(
                            code: "store_unavailable", message: "the store did not answer within \(timeout)",
                            statusCode: 503)
                    }
                    defer { group.cancelAll() }
                    _ = try await group.next()
                }
                return (true, ["store": "ok"])
            } catch let error as HeraldError {
                return (false, ["store": "unavailable", "reason": error.message])
            } catch {
                return (false, ["store": "unavailable", "reason": String(describing: type(of: error))])
            }
        }
    }
}

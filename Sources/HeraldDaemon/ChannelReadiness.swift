import HeraldCore
import HeraldEngine

/// Circuit-breaker state per channel instance for `/readyz`. An open breaker does not make the daemon
/// unready (other instances take over, and deliveries wait for retry), but operators see it here.
enum ChannelReadiness {
    static func adding(
        _ router: ChannelRouter, to store: @escaping @Sendable () async -> (ready: Bool, detail: [String: String])
    ) -> @Sendable () async -> (ready: Bool, detail: [String: String]) {
        {
            var (ready, detail) = await store()
            for instance in router.instances {
                detail["channel.\(instance.driver.id)"] = await instance.breakerState.rawValue
            }
            return (ready, detail)
        }
    }
}

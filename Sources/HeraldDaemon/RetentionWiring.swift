import HeraldCore
import HeraldEngine
import Logging
import ServiceLifecycle

enum RetentionWiring {
    /// The retention service when `retention:` names anything to prune and the store can prune.
    static func services(
        store: any Store, loaded: LoadedConfig, logger: Logger
    ) throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let policy = try RightsSettings.retention(loaded)
        guard !policy.isEmpty, let pruning = store as? any RetentionStore else { return [] }
        return [.init(service: RetentionService(store: pruning, policy: policy, logger: logger))]
    }
}

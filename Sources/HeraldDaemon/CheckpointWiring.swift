import Foundation
import HeraldCore
import HeraldEngine
import Logging
import ServiceLifecycle

/// The daemon's checkpoint signer and the public key the API lists and verifies with; none when the store
/// keeps no checkpoints.
struct CheckpointWiring {
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
    var publicKey: CheckpointPublicKey?

    init(loaded: LoadedConfig, store: any Store, logger: Logger) throws {
        guard let checkpointStore = store as? any CheckpointStore else { return }
        let settings = try CheckpointSettings(loaded)
        let key = try settings.signingKey()
        publicKey = key.publicKey
        logger.notice(
            "ledger checkpoints signed", metadata: ["checkpoint.key_id": "\(key.publicKey.id)", "checkpoint.public_key": "\(key.publicKey.encoded)"])
        let service = LedgerCheckpointService(
            store: checkpointStore, key: key, interval: settings.interval, witnessFile: settings.witnessFile, logger: logger)
        services = [.init(service: service)]
    }
}

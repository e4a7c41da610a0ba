import Foundation
import HeraldCore
import HeraldStoreSQLite
import HeraldEngine
import HeraldHTTP
import Hummingbird
import Prometheus

/// The HTTP API over an `OpsFixture`, with every ops surface switched on and one key per role.
struct OpsApp {
    let fixture: OpsFixture
    let keys: [Role: String]
    let deps: APIDependencies

    init(fixture: OpsFixture, heartbeat: TimeInterval = 15) async throws {
        self.fixture = fixture
        var keys: [Role: String] = [:]
        for role in [Role.ops, .compliance, .enqueue] {
            let key = APIKey.generate()
            try await fixture.store.insertAPIKey(hash: APIKey.hash(key), role: role, label: nil, at: Date())
            keys[role] = key
        }
        self.keys = keys
        let history = QueueHistory()
        history.record(try await fixture.store.queueStats(now: Date()), at: Date())
        var deps = APIDependencies(
            store: fixture.store, fanoutSignal: WorkSignal(), unsubscribeSecret: Array("secret".utf8),
            metrics: { [registry = fixture.registry] in
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                return String(decoding: buffer, as: UTF8.self)
            })
        deps.ops = OpsDependencies.fromStore(
            fixture.store, metricsFactory: PrometheusMetricsFactory(registry: fixture.registry), events: fixture.events,
            queueHistory: history)
        deps.ops.streamHeartbeat = heartbeat
        self.deps = deps
    }

    func application() -> some ApplicationProtocol {
        Application(router: HeraldAPI(deps: deps).router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func bearer(_ role: Role) -> HTTPFields { [.authorization: "Bearer \(keys[role]!)"] }
}

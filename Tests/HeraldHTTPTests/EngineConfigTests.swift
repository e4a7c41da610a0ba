import Foundation
import HeraldDaemon
import HeraldEngine
import Testing

@Suite("engine: config section")
struct EngineConfigTests {
    private func load(_ yaml: String) throws -> LoadedConfig {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-engine-\(UUID().uuidString).yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        return try LoadedConfig.load(path: path.path, environment: [:])
    }

    @Test("leases and batch sizes from the config reach the engine settings")
    func valuesOverrideDefaults() throws {
        let loaded = try load(
            """
            engine:
              send_lease_seconds: 5
              fanout_lease_seconds: 7.5
              claim_batch_size: 200
              fanout_batch_size: 2000
            """)
        let settings = try #require(loaded.config.engine).settings(publicBaseURL: "http://x", unsubscribeSecret: [])
        #expect(settings.sendLease == 5)
        #expect(settings.fanoutLease == 7.5)
        #expect(settings.claimBatchSize == 200)
        #expect(settings.fanoutBatchSize == 2000)
    }

    @Test("without an engine section the defaults hold: 120 s send lease, 60 s fan-out lease")
    func defaults() throws {
        let loaded = try load("listen: 127.0.0.1:9000\n")
        #expect(loaded.config.engine == nil)
        let settings = EngineConfig().settings(publicBaseURL: "http://x", unsubscribeSecret: [])
        #expect(settings.sendLease == 120)
        #expect(settings.fanoutLease == 60)
        #expect(settings.claimBatchSize == EngineSettings().claimBatchSize)
    }

    @Test("the shipped example config, engine section included, loads")
    func exampleLoads() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/herald.example.yaml")
        let loaded = try LoadedConfig.load(path: example.path, environment: [:])
        #expect(loaded.config.engine?.sendLeaseSeconds == 120)
        // Every engine key the README documents passes the unknown-key check.
        #expect(loaded.config.engine?.inlineFanoutMax == 100)
        #expect(loaded.config.engine?.expressPriority == 5)
    }
}

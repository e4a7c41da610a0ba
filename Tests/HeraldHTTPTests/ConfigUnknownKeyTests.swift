import Foundation
import HeraldCore
import HeraldDaemon
import Testing

/// A misspelled key must not silently switch a rule off: any unknown key stops the start, naming the key's
/// path and the nearest known name.
@Suite("Config: unknown keys")
struct ConfigUnknownKeyTests {
    private func load(_ yaml: String) throws -> LoadedConfig {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-keys-\(UUID().uuidString).yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        return try LoadedConfig.load(path: path.path, environment: [:])
    }

    @Test(
        "an unknown key at any level is refused with its path and the nearest known name",
        arguments: [
            ("polcy:\n  quiet_hours: []\n", "polcy", "policy"),
            ("channels:\n  - {id: a, kind: sms, driver: log, optons: {path: x}}\n", "channels[0].optons", "options"),
            ("policy:\n  quiet_hours:\n    - {purpose: marketing, strat: \"21:00\", end: \"08:00\"}\n", "policy.quiet_hours[0].strat", "start"),
            ("policy:\n  caps: []\n  sms: {max_segment: 3}\n", "policy.sms.max_segment", "max_segments"),
            ("engine: {claim_batch: 10}\n", "engine.claim_batch", "claim_batch_size"),
            ("auth: {unsubscribe_secret: x}\n", "auth.unsubscribe_secret", "unsubscribe_secret_env"),
            ("defaults: {time_zone: UTC}\n", "defaults.time_zone", "timezone"),
        ])
    func unknownKey(yaml: String, path: String, suggestion: String) throws {
        let error = #expect(throws: HeraldError.self) { try load(yaml) }
        #expect(error?.code == "config_unknown_key")
        #expect(error?.field == path)
        #expect(error?.message.contains("`\(suggestion)`") == true)
    }

}

import Foundation
import HeraldCore
import HeraldDaemon
import Testing

@Suite("rights and retention: config sections")
struct RightsConfigTests {
    private func load(_ yaml: String) throws -> LoadedConfig {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-rights-\(UUID().uuidString).yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        return try LoadedConfig.load(path: path.path, environment: [:])
    }

    @Test("retention ages and batch size reach the policy; nothing configured prunes nothing")
    func retention() throws {
        let policy = try RightsSettings.retention(
            try load("retention: {deliveries: 90d, attempts: 30d, traces: 12h, batch_size: 200}"))
        #expect(policy == RetentionPolicy(deliveries: 90 * 86_400, attempts: 30 * 86_400, traces: 43_200, batchSize: 200))
        #expect(try RightsSettings.retention(try load("listen: 127.0.0.1:9000")).isEmpty)
    }

    @Test("a bad age or batch size stops the start with config_invalid")
    func badRetention() throws {
        for yaml in [
            "retention: {deliveries: soon}", "retention: {traces: 0d}", "retention: {webhook_events: 0d}",
            "retention: {batch_size: 0}",
        ] {
            #expect(throws: HeraldError.self) { try RightsSettings.retention(try load(yaml)) }
        }
        #expect(throws: HeraldError.self) { try load("retention: {delivery: 90d}") }
        // Deliveries kept for less than a cap window would make the cap forget sends.
        #expect(throws: HeraldError.self) { try RightsSettings.retention(try load("retention: {deliveries: 12h}")) }
        let capped = "policy: {caps: [{purpose: marketing, channel: \"*\", max: 1, per: 7d}]}\nretention: {deliveries: 3d}"
        #expect(throws: HeraldError.self) { try RightsSettings.retention(try load(capped)) }
        #expect(try RightsSettings.retention(try load("policy: {caps: []}\nretention: {deliveries: 12h}")).deliveries == 43_200)
    }

    @Test("the bounce log is kept at least as long as the longest soft_bounce_window")
    func bounceRetention() throws {
        #expect(try RightsSettings.retention(try load("retention: {bounces: 30d}")).bounces == 30 * 86_400)
        // Soft bounces are counted from the log: the default window is 7 days.
        #expect(throws: HeraldError.self) { try RightsSettings.retention(try load("retention: {bounces: 3d}")) }
        let longWindow = """
            channels:
              - {id: mail, kind: email, driver: smtp, options: {url: "smtp://127.0.0.1:25", from: a@example.com, soft_bounce_window: 40d}}
            retention: {bounces: 30d}
            """
        #expect(throws: HeraldError.self) { try RightsSettings.retention(try load(longWindow)) }
        let shortWindow = longWindow.replacingOccurrences(of: "40d", with: "2d").replacingOccurrences(of: "30d", with: "3d")
        #expect(try RightsSettings.retention(try load(shortWindow)).bounces == 3 * 86_400)
    }

    @Test("with a webhook endpoint the event log is kept 30 days unless set; never less than the retry horizon")
    func webhookEventRetention() throws {
        let crm = "webhooks: [{id: crm, url: \"https://crm.example.com/h\", secret_env: S"
        func kept(_ yaml: String) throws -> TimeInterval? { try RightsSettings.retention(try load(yaml)).webhookEvents }
        #expect(try kept(crm + "}]") == 30 * 86_400)
        #expect(try kept(crm + "}]\nretention: {webhook_events: 2d}") == 172_800)
        // A horizon longer than 30 days raises the default instead of refusing a config that never set it.
        #expect(try kept(crm + ", retry_horizon_hours: 1000}]") == 3_600_000)
        // Shorter than the longest horizon (the default 24 h, or a configured one): refused.
        #expect(throws: HeraldError.self) { try kept(crm + "}]\nretention: {webhook_events: 12h}") }
        #expect(throws: HeraldError.self) { try kept(crm + ", retry_horizon_hours: 72}]\nretention: {webhook_events: 2d}") }
        // No endpoint: kept forever unless set, and no horizon to respect.
        #expect(try kept("retention: {deliveries: 90d}") == nil)
        #expect(try kept("retention: {webhook_events: 12h}") == 43_200)
    }

    @Test("erased addresses are blocked only when asked, under the configured key")
    func rights() throws {
        #expect(try RightsSettings.erasure(try load("rights: {block_erased_addresses: false}")).blockedAddressKey == nil)
        let loaded = try load("rights: {block_erased_addresses: true, address_key_env: ERASED_KEY}")
        let settings = try RightsSettings.erasure(loaded, environment: ["ERASED_KEY": "k1"])
        #expect(settings.blockedAddressKey == Array("k1".utf8))
        #expect(settings.addressDigest("+989121234567") != ErasureSettings(blockedAddressKey: Array("k2".utf8)).addressDigest("+989121234567"))
        #expect(settings.addressDigest("+989121234567")?.contains("989121234567") == false)
        #expect(throws: HeraldError.self) { try RightsSettings.erasure(loaded, environment: [:]) }
    }
}

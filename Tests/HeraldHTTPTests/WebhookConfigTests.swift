import Foundation
import HeraldCore
import HeraldDaemon
import Testing

@Suite("webhooks: config section")
struct WebhookConfigTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    private func endpoints(_ yaml: String, environment: [String: String] = ["HOOK_SECRET": secret]) throws
        -> [WebhookEndpoint]
    {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-hooks-\(UUID().uuidString).yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        return try LoadedConfig.load(path: path.path, environment: [:]).webhookEndpoints(environment: environment)
    }

    @Test func anEndpointGetsItsValuesAndTheDefaults() throws {
        let all = try endpoints(
            """
            webhooks:
              - id: crm
                url: https://crm.example.com/hooks?token=abc
                secret_env: HOOK_SECRET
                events: [delivery.failed, consent.changed]
                filter: {purpose: [marketing], channel: [email]}
              - id: ops
                url: http://127.0.0.1:9000/h
                secret_env: HOOK_SECRET
                batch: 10
                retry_horizon_hours: 48
            """)
        #expect(all.map(\.id) == ["crm", "ops"])
        #expect(all[0].events == [.deliveryFailed, .consentChanged])
        #expect(all[0].purposes == [.marketing])
        #expect(all[0].channels == ["email"])
        #expect(all[0].batch == 100)
        #expect(all[0].retryHorizon == 86_400)
        #expect(all[0].displayURL == "https://crm.example.com/hooks")
        #expect(all[1].events == Set(WebhookEventType.allCases))
        #expect(all[1].batch == 10)
        #expect(all[1].retryHorizon == 172_800)
    }

    @Test(arguments: [
        ("events: [delivery.bounced]", "config_invalid"),
        ("batch: 0", "config_invalid"),
        ("batch: 5000", "config_invalid"),
    ])
    func aBadValueStopsTheStart(line: String, code: String) throws {
        let error = try #require(
            throws: HeraldError.self,
            performing: {
                try endpoints(
                    """
                    webhooks:
                      - id: crm
                        url: https://crm.example.com/h
                        secret_env: HOOK_SECRET
                        \(line)
                    """)
            })
        #expect(error.code == code)
        #expect(error.field?.hasPrefix("webhooks[0]") == true)
    }

    @Test func theSecretMustBeAWhsecSecretFromTheEnvironmentOrAFile() throws {
        let yaml = """
            webhooks:
              - {id: crm, url: "https://crm.example.com/h", secret_env: HOOK_SECRET}
            """
        #expect(throws: HeraldError.self) { try endpoints(yaml, environment: [:]) }
        #expect(throws: HeraldError.self) { try endpoints(yaml, environment: ["HOOK_SECRET": "plain-text"]) }
        // An inline secret is not a key the config knows.
        #expect(throws: HeraldError.self) {
            try endpoints("webhooks:\n  - {id: crm, url: \"https://x.io/h\", secret: \"\(Self.secret)\"}\n")
        }
    }

    @Test func idsAreUniqueAndSafeForURLs() throws {
        #expect(throws: HeraldError.self) {
            try endpoints(
                """
                webhooks:
                  - {id: crm, url: "https://a.io/h", secret_env: HOOK_SECRET}
                  - {id: crm, url: "https://b.io/h", secret_env: HOOK_SECRET}
                """)
        }
        #expect(throws: HeraldError.self) {
            try endpoints("webhooks:\n  - {id: \"a/b\", url: \"https://a.io/h\", secret_env: HOOK_SECRET}\n")
        }
        #expect(throws: HeraldError.self) {
            try endpoints("webhooks:\n  - {id: crm, url: \"ftp://a.io/h\", secret_env: HOOK_SECRET}\n")
        }
    }
}

import Foundation
import HeraldChannels
import HeraldCore
import Testing

@Suite struct ProfileSecretsAndRetryTests {
    let twilio: Profile
    init() throws { twilio = try ProfileCatalog.load(directory: ChannelsFolder.url).profile("twilio") }

    @Test func secretsComeFromEnvironmentOrFile() throws {
        let secrets = try twilio.resolveSecrets(
            instanceId: "sms", options: ["account_sid_env": "TW_SID", "auth_token_file": "/run/secrets/tw"],
            environment: ["TW_SID": "AC1"], readFile: { _ in "tok\n" })
        #expect(secrets == ["account_sid": "AC1", "auth_token": "tok"])
    }

    @Test func unsetEnvironmentVariableNamesTheSecretNotItsValue() {
        let error = #expect(throws: HeraldError.self) {
            try twilio.resolveSecrets(instanceId: "sms", options: ["account_sid_env": "TW_SID"], environment: [:])
        }
        #expect(error?.field == "channels.sms.options.account_sid_env")
        #expect(error?.message.contains("TW_SID") == true)
    }

    @Test func retryAfterAsAnHTTPDateCountsFromNow() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        let response = ProviderResponse(
            status: 503, headers: ["Retry-After": "Tue, 14 Nov 2023 22:14:20 GMT"], body: Array("busy".utf8))
        let result = twilio.classify(response, values: TemplateValues(), now: now)
        #expect(result.outcome == .retry)
        #expect(result.retryAfter == 60)
        #expect(result.error == "HTTP 503: provider busy")
    }
}

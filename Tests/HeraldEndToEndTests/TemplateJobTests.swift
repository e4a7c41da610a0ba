import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import HummingbirdTesting
import Testing

/// SPEC §10: a job names a stored template; editing the template after enqueue changes nothing it sends.
@Suite struct TemplateJobTests {
    @Test func aTemplateEditedAfterEnqueueDoesNotChangeTheRunningJob() async throws {
        let harness = try await Harness(
            policyJSON: #"{"defaults": {"timezone": "Europe/London"}}"#, now: LocaleVariantJobTests.noon)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let smsLog = harness.directory.appendingPathComponent("sms.ndjson").path
        let v1 = #"{"author": "sara", "content": {"sms": {"text": "v1 {{attributes.name}}", "locales": {"fa": {"text": "نسخه ۱ {{attributes.name}}"}}}}}"#
        let v2 = #"{"author": "sara", "content": {"sms": {"text": "v2 {{attributes.name}}", "locales": {"fa": {"text": "نسخه ۲"}}}}}"#
        let job = #"{"idempotency_key": "tpl", "purpose": "transactional", "audience": {"contact_ids": ["c-fa", "c-ru"]}, "channels": ["sms"], "template": {"id": "welcome"}}"#
        try await harness.application().test(.router) { client in
            let status3 = try await client.send(.post, "/v1/contacts/batch", LocaleVariantJobTests.contacts, headers: harness.bearer).0
            #expect(status3 == .ok)
            let status4 = try await client.send(.put, "/v1/templates/welcome", v1, headers: harness.bearer).0
            #expect(status4 == .created)
            let status5 = try await client.send(.post, "/v1/jobs", job, headers: harness.bearer).0
            #expect(status5 == .accepted)
            let status6 = try await client.send(.put, "/v1/templates/welcome", v2, headers: harness.bearer).0
            #expect(status6 == .created)
        }
        try await harness.drain(through: [try LogDriver(id: "log-sms", kind: .sms, path: smsLog)])

        let sms = try LocaleVariantJobTests.sent(smsLog)
        #expect(sms["c-fa"]?["text"] == "نسخه ۱ سارا")
        #expect(sms["c-ru"]?["text"] == "v1 Olga")
        #expect(sms.count == 2)
    }
}

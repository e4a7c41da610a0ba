import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import HeraldStoreSQLite
import HummingbirdTesting
import Testing

/// Template helpers end to end: a default for a missing name, a number in Persian digits, and an
/// `{{unsubscribe_url}}` that is a working one-click link for this contact, channel and topic.
@Suite struct TemplateHelperJobTests {
    static let contacts = """
        {"id":"p1","locale":"fa-IR","phone":"+989120000011","attributes":{"name":"سارا","points":1250}}
        {"id":"p2","locale":"fa","phone":"+989120000012","attributes":{"points":80}}
        """
    static let job = #"""
        {"idempotency_key":"points","purpose":"transactional","topic":"loyalty","audience":{"contact_ids":["p1","p2"]},
         "channels":["sms"],
         "content":{"sms":{"text":"{{attributes.name | default: \"دوست\"}} عزیز، {{attributes.points | number}} امتیاز. لغو: {{unsubscribe_url}}"}}}
        """#

    @Test func helpersRenderPerContactAndTheLinkUnsubscribes() async throws {
        let harness = try await Harness(
            policyJSON: #"{"defaults": {"timezone": "Asia/Tehran"}}"#, now: LocaleVariantJobTests.noon)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let smsLog = harness.directory.appendingPathComponent("sms.ndjson").path
        let app = harness.application()
        try await app.test(.router) { client in
            let imported = try await client.send(.post, "/v1/contacts/batch", Self.contacts, headers: harness.bearer).0
            #expect(imported == .ok)
            let accepted = try await client.send(.post, "/v1/jobs", Self.job, headers: harness.bearer).0
            #expect(accepted == .accepted)
        }
        try await harness.drain(through: [try LogDriver(id: "log-sms", kind: .sms, path: smsLog)])

        let sms = try LocaleVariantJobTests.sent(smsLog)
        let first = try #require(sms["p1"]?["text"])
        #expect(first.hasPrefix("سارا عزیز، ۱٬۲۵۰ امتیاز. لغو: \(Harness.publicBaseURL)/u/"))
        #expect(sms["p2"]?["text"]?.hasPrefix("دوست عزیز، ۸۰ امتیاز. لغو: ") == true)

        let link = String(try #require(first.split(separator: " ").last))
        let token = String(link.dropFirst("\(Harness.publicBaseURL)/u/".count))
        let scope = UnsubscribeToken.verify(token, secret: Harness.secret).map { [$0.contactId, $0.channel, $0.topic] }
        #expect(scope == ["p1", "sms", "loyalty"])
        try await app.test(.router) { client in
            let status = try await client.send(.post, "/u/\(token)", "", headers: [:]).0
            #expect(status == .ok)
        }
        let events = try await harness.store.consentEvents(contactId: "p1")
        #expect(events.map(\.status) == [.revoked])
        #expect(events.first?.topic == "loyalty")
    }
}

import Foundation
import HeraldChannels
import HTTPTypes
import HeraldCore
import HeraldStoreSQLite
import HummingbirdTesting
import Testing

/// SPEC §10: one job, five contacts, each sent the variant its locale picks — checked at what the `log`
/// channels wrote, and in each delivery's trace.
@Suite struct LocaleVariantJobTests {
    static let noon = Date(timeIntervalSince1970: 1_795_435_200)

    static let contacts = """
        {"id":"c-fa","locale":"fa-IR","phone":"+989120000001","email":"fa@example.com","attributes":{"name":"سارا"}}
        {"id":"c-ar","locale":"ar","phone":"+971500000002","email":"ar@example.com","attributes":{"name":"ليلى"}}
        {"id":"c-ru","locale":"ru","phone":"+79160000003","email":"ru@example.com","attributes":{"name":"Olga"}}
        {"id":"c-gb","locale":"en-GB","phone":"+447700900004","email":"gb@example.com","attributes":{"name":"Ann"}}
        {"id":"c-none","phone":"+12125550005","email":"none@example.com","attributes":{"name":"Sam"}}
        """

    static let job = """
        {"idempotency_key":"parcel","purpose":"transactional","audience":{"contact_ids":["c-fa","c-ar","c-ru","c-gb","c-none"]},
         "channels":["sms","email"],"strategy":"all",
         "content":{
           "sms":{"text":"Hi {{attributes.name}}, your order shipped.",
                  "locales":{"fa":{"text":"{{attributes.name}} عزیز، سفارش شما ارسال شد."},
                             "ar":{"text":"مرحباً {{attributes.name}}، تم شحن طلبك."},
                             "en-GB":{"text":"Hi {{attributes.name}}, your parcel is on its way."}}},
           "email":{"subject":"Your order shipped","text":"Hi {{attributes.name}}",
                    "locales":{"fa":{"subject":"سفارش شما ارسال شد","text":"سلام {{attributes.name}}"}}}}}
        """

    @Test func eachContactIsSentTheVariantItsLocalePicks() async throws {
        let harness = try await Harness(policyJSON: #"{"defaults": {"timezone": "Europe/London"}}"#, now: Self.noon)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let smsLog = harness.directory.appendingPathComponent("sms.ndjson").path
        let emailLog = harness.directory.appendingPathComponent("email.ndjson").path
        try await harness.application().test(.router) { client in
            let status1 = try await client.send(.post, "/v1/contacts/batch", Self.contacts, headers: harness.bearer).0
            #expect(status1 == .ok)
            let status2 = try await client.send(.post, "/v1/jobs", Self.job, headers: harness.bearer).0
            #expect(status2 == .accepted)
        }
        try await harness.drain(through: [
            try LogDriver(id: "log-sms", kind: .sms, path: smsLog), try LogDriver(id: "log-email", kind: .email, path: emailLog),
        ])

        let sms = try Self.sent(smsLog)
        #expect(sms["c-fa"]?["text"] == "سارا عزیز، سفارش شما ارسال شد.")
        #expect(sms["c-ar"]?["text"] == "مرحباً ليلى، تم شحن طلبك.")
        #expect(sms["c-ru"]?["text"] == "Hi Olga, your order shipped.")
        #expect(sms["c-gb"]?["text"] == "Hi Ann, your parcel is on its way.")
        #expect(sms["c-none"]?["text"] == "Hi Sam, your order shipped.")
        let email = try Self.sent(emailLog)
        #expect(email["c-fa"]?["subject"] == "سفارش شما ارسال شد")
        #expect(email["c-fa"]?["text"] == "سلام سارا")
        #expect(email["c-ar"]?["subject"] == "Your order shipped")
        #expect(email.count == 5)

        let deliveries = try await harness.store.deliveries(DeliveryQuery(jobId: 1, channel: .sms))
        let steps = Dictionary(uniqueKeysWithValues: deliveries.map { ($0.contactId, $0.trace.filter { $0.rule == "content" }) })
        #expect(steps["c-fa"]?.map(\.outcome) == ["variant fa"])
        #expect(steps["c-fa"]?.first?.detail == "contact locale fa-IR matched variant fa")
        #expect(steps["c-ar"]?.map(\.outcome) == ["variant ar"])
        #expect(steps["c-gb"]?.map(\.outcome) == ["variant en-GB"])
        #expect(steps["c-ru"]?.first?.detail == "no variant for contact locale ru; default content")
        #expect(steps["c-none"]?.first?.detail == "the contact has no locale; default content")
        #expect(deliveries.allSatisfy { $0.state == .sent })
    }

    /// contact id → the `content` object of the line the log channel wrote for it.
    static func sent(_ path: String) throws -> [String: [String: String]] {
        var byContact: [String: [String: String]] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let contact = try #require(object["contact_id"] as? String)
            byContact[contact] = (object["content"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
        }
        return byContact
    }
}

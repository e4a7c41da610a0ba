import Foundation
import HTTPTypes
import HummingbirdTesting
import HeraldCore
import Testing

/// A suppression added through the API stops the very next send to that address.
@Suite struct SuppressionEndToEndTests {
    static let noon = Date(timeIntervalSince1970: 1_795_435_200)

    @Test func aPostedSuppressionStopsTheNextSend() async throws {
        let harness = try await Harness(policyJSON: #"{"defaults": {"timezone": "Europe/London"}}"#, now: Self.noon)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        try await harness.application().test(.router) { client in
            let contacts = #"{"id":"ann","phone":"+989121234567"}"# + "\n" + #"{"id":"bob","phone":"+989121234568"}"#
            #expect(try await client.send(.post, "/v1/contacts/batch", contacts, headers: harness.bearer).0 == .ok)
            let suppression = #"{"address": " +989121234567", "reason": "manual", "note": "asked us to stop"}"#
            #expect(try await client.send(.post, "/v1/suppressions", suppression, headers: harness.bearer).0 == .created)

            let job = #"{"idempotency_key":"otp","purpose":"transactional","audience":{"contact_ids":["ann","bob"]},"channels":["sms"],"content":{"sms":{"text":"code 1234"}}}"#
            #expect(try await client.send(.post, "/v1/jobs", job, headers: harness.bearer).0 == .accepted)
            try await harness.drain()

            let (_, body) = try await client.send(.get, "/v1/deliveries?contact_id=ann", "", headers: harness.bearer)
            let page = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let delivery = try #require((page?["deliveries"] as? [[String: Any]])?.first)
            #expect(delivery["state"] as? String == "suppressed")
            #expect(delivery["reason"] as? String == "invalid_address")
            // The trace says why without the address.
            #expect(!body.contains("+989121234567"))
        }
        #expect(harness.driver.sends == ["+989121234568": 1])
    }
}

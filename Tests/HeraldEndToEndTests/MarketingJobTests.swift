import Foundation
import HTTPTypes
import HummingbirdTesting
import HeraldCore
import Testing

/// SPEC §3 end to end: a marketing job to 1,000 contacts with mixed consent, opt-outs, zones and caps
/// produces exactly the expected counts per state and reason.
@Suite struct MarketingJobTests {
    /// Monday 2026-11-23 12:00 UTC: 12:00 in London, 15:30 in Tehran, 21:00 in Tokyo (quiet).
    static let noon = Date(timeIntervalSince1970: 1_795_435_200)

    static let policy = """
        {"defaults": {"timezone": "Europe/London", "unknown_timezone": "hold"},
         "policy": {"quiet_hours": [{"purpose": "marketing", "channel": "*", "start": "21:00", "end": "09:00"}],
                    "caps": [{"purpose": "marketing", "channel": "*", "max": 1, "per": "24h", "on_exceed": "drop"}]}}
        """

    /// Ten cohorts of 100, by `i % 10`.
    static func contact(_ i: Int) -> String {
        let id = "u\(i)"
        let iranMobile = "+98912\(String(format: "%07d", i))"
        switch i % 10 {
        case 2: return #"{"id":"\#(id)","timezone":"Europe/London","email":"x\#(i)@example.com","attributes":{"cohort":2}}"#
        case 3: return #"{"id":"\#(id)","phone":"+1212555\#(String(format: "%04d", i))","attributes":{"cohort":3}}"#
        case 4: return #"{"id":"\#(id)","timezone":"Asia/Tokyo","phone":"\#(iranMobile)","attributes":{"cohort":4}}"#
        case 6: return #"{"id":"\#(id)","phone":"\#(iranMobile)","attributes":{"cohort":6,"name":"سارا"}}"#
        default: return #"{"id":"\#(id)","timezone":"Europe/London","phone":"\#(iranMobile)","attributes":{"cohort":\#(i % 10)}}"#
        }
    }

    @Test func aThousandContactsEndInExactlyTheExpectedStates() async throws {
        let harness = try await Harness(policyJSON: Self.policy, now: Self.noon)
        defer { try? FileManager.default.removeItem(at: harness.directory) }
        let app = harness.application()
        try await app.test(.router) { client in
            let ndjson = (0..<1000).map(Self.contact).joined(separator: "\n")
            let (status, _) = try await client.send(.post, "/v1/contacts/batch", ndjson, headers: harness.bearer)
            #expect(status == .ok)

            for i in 0..<1000 where i % 10 != 0 {
                let grant = #"{"contact_id":"u\#(i)","channel":"*","topic":"*","status":"granted","source":"form","occurred_at":"2026-11-01T10:00:00Z"}"#
                #expect(try await client.send(.post, "/v1/consents", grant, headers: harness.bearer).0 == .created)
                if i % 10 == 1 {
                    let revoke = #"{"contact_id":"u\#(i)","channel":"sms","topic":"*","status":"revoked","source":"sms_keyword"}"#
                    #expect(try await client.send(.post, "/v1/consents", revoke, headers: harness.bearer).0 == .created)
                }
            }

            // Cohort 5 already had a marketing message today: the 1-per-24h cap drops the next one.
            let warmIds = (0..<1000).filter { $0 % 10 == 5 }.map { "\"u\($0)\"" }.joined(separator: ",")
            let warmUp = #"{"idempotency_key":"warm","purpose":"marketing","audience":{"contact_ids":[\#(warmIds)]},"channels":["sms"],"content":{"sms":{"text":"hi"}}}"#
            #expect(try await client.send(.post, "/v1/jobs", warmUp, headers: harness.bearer).0 == .accepted)
            try await harness.drain()

            let job = #"{"idempotency_key":"main","purpose":"marketing","audience":{"segment":"attributes.cohort >= 0"},"channels":["sms"],"expires_at":"2026-11-23T18:00:00Z","content":{"sms":{"text":"{{attributes.name}} سلام"}}}"#
            let (accepted, body) = try await client.send(.post, "/v1/jobs", job, headers: harness.bearer)
            #expect(accepted == .accepted)
            #expect(body.contains(#""id":2"#))
            try await harness.drain()

            let (_, progress) = try await client.send(.get, "/v1/jobs/2", "", headers: harness.bearer)
            let view = try JSONDecoder().decode(Progress.self, from: Data(progress.utf8))
            #expect(view.status == "completed")
            #expect(view.deliveries == 1000)
            #expect(view.by_state == ["sent": 400, "suppressed": 600])
            #expect(
                view.by_suppression_reason == [
                    "no_consent": 100, "opted_out": 100, "no_address": 100, "no_timezone": 100,
                    "quiet_hours_expired": 100, "capped": 100,
                ])
        }
        // Nobody got more than one message in the day: the cap held, and opted-out numbers got nothing.
        #expect(harness.driver.sends.values.allSatisfy { $0 == 1 })
        #expect(harness.driver.sends.count == 500)
        #expect(harness.driver.sends["+98912\(String(format: "%07d", 1))"] == nil)
    }

    struct Progress: Decodable {
        var status: String
        var deliveries: Int
        var by_state: [String: Int]
        var by_suppression_reason: [String: Int]
    }
}

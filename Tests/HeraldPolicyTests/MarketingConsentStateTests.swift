import Foundation
import HeraldCore
import PropertyBased
import Testing

@testable import HeraldPolicy

/// The preference page shows `MarketingConsentState`; the next campaign obeys the policy. They must agree.
@Suite("Marketing consent state as the preference page shows it")
struct MarketingConsentStateTests {
    static let record = zip(Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.bool())
    static let query = zip(Gen<ChannelKind>.case.filter { $0 == .email || $0 == .sms }, Gen.int(in: 0...2))
    static let topics = ["*", "news", "offers"]

    @Test func agreesWithThePolicyForAnyLedger() async {
        let policy = Fixture.policy(PolicyRules(quietHours: [], caps: []))
        let now = Fixture.utc("2026-03-10T12:00:00Z")
        await propertyCheck(count: 500, input: Self.record.array(of: 0...12), Self.query) { records, query in
            let events = records.enumerated().map { index, record in
                Fixture.event(
                    Int64(index + 1), ["*", "email", "sms"][record.0], Self.topics[record.1], record.2 ? .granted : .revoked)
            }
            let (channel, topicIndex) = query
            let topic = topicIndex == 0 ? nil : Self.topics[topicIndex]
            let state = MarketingConsentState(events: events, channel: channel, topic: topic)
            let decision = policy.decide(
                Fixture.input(now: now, channel: channel, job: Fixture.job(.marketing, topic: topic), consents: events))
            switch decision.verdict {
            case .send: #expect(state == .granted)
            case .suppress(.optedOut): #expect(state == .optedOut)
            case .suppress(.noConsent): #expect(state == .noConsent)
            default: Issue.record("unexpected verdict \(decision.verdict) without quiet hours or caps")
            }
        }
    }

    @Test func leavingEverythingBeatsEarlierTopicGrants() {
        let events = [
            Fixture.event(1, "email", "news", .granted), Fixture.event(2, "*", "*", .revoked),
        ]
        #expect(MarketingConsentState(events: events, channel: .email, topic: "news") == .optedOut)
        let regranted = events + [Fixture.event(3, "email", "news", .granted)]
        #expect(MarketingConsentState(events: regranted, channel: .email, topic: "news") == .granted)
        #expect(MarketingConsentState(events: regranted, channel: .email, topic: "offers") == .optedOut)
        #expect(MarketingConsentState(events: [], channel: .sms, topic: nil) == .noConsent)
    }
}

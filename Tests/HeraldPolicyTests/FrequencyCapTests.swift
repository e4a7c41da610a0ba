import Foundation
import HeraldCore
import Testing

@testable import HeraldPolicy

@Suite("Frequency caps")
struct FrequencyCapTests {
    let now = Fixture.utc("2026-05-05T12:00:00Z")  // Tuesday 13:00 London
    let day = PolicyDuration(seconds: 86_400)

    func sent(_ hoursAgo: Double, _ channel: ChannelKind = .sms, _ purpose: Purpose = .marketing, topic: String? = nil)
        -> SendRecord
    {
        SendRecord(channel: channel, purpose: purpose, topic: topic, at: now.addingTimeInterval(-hoursAgo * 3_600))
    }

    @Test func deferUntilTheOldestCountedSendLeavesTheWindow() {
        let rules = PolicyRules(caps: [CapRule(purpose: .marketing, channel: "sms", max: 1, per: day, onExceed: .defer)]
        )
        let input = Fixture.input(now: now, channel: .sms, sends: [sent(20), sent(30)])
        let decision = Fixture.policy(rules).decide(input)
        #expect(decision.verdict == .deferUntil(now.addingTimeInterval(4 * 3_600)))
        // The counter at the first check, then the re-check once the slot has freed.
        #expect(decision.steps(.frequencyCap).map(\.outcome) == ["defer", "pass"])
        #expect(decision.steps(.frequencyCap).first?.detail.contains("1 of 1 in the 1d window") == true)
        #expect(decision.steps(.frequencyCap).last?.detail.contains("0 of 1") == true)
    }

    /// Two claims for one contact: the one whose clock read later committed its reservation first, while the
    /// other waited for the writer. The reservation is "after now" to the second claim, and still counts.
    @Test func aSendReservedAfterTheDecisionsClockReadingCounts() {
        let rules = PolicyRules(caps: [CapRule(purpose: .marketing, max: 1, per: day, onExceed: .drop)])
        let input = Fixture.input(now: now, sends: [sent(-2.0 / 3_600)])
        #expect(Fixture.policy(rules).decide(input).verdict == .suppress(.capped))
    }

    @Test func overfullWindowWaitsForEnoughSlots() {
        let rules = PolicyRules(caps: [CapRule(purpose: .marketing, max: 2, per: day, onExceed: .defer)])
        let input = Fixture.input(now: now, sends: [sent(23), sent(10), sent(5)])
        // Three in the window, max two: the second-oldest (10h ago) must leave too.
        #expect(Fixture.policy(rules).decide(input).verdict == .deferUntil(now.addingTimeInterval(14 * 3_600)))
    }

    @Test func capDeferralIsRecheckedAgainstTheWindow() {
        // The slot frees at 23:00 London, inside quiet hours: the delivery waits for 09:00 next morning.
        let rules = PolicyRules(
            quietHours: [Fixture.eveningQuiet],
            caps: [CapRule(purpose: .marketing, max: 1, per: day, onExceed: .defer)])
        let input = Fixture.input(now: now, sends: [sent(14)])
        let decision = Fixture.policy(rules).decide(input)
        #expect(decision.verdict == .deferUntil(Fixture.utc("2026-05-06T08:00:00Z")))
        #expect(decision.steps(.sendWindow).map(\.outcome) == ["pass", "defer"])
        #expect(decision.steps(.frequencyCap).map(\.outcome) == ["defer", "pass"])
    }

    @Test func capDeferralPastExpiryIsCapped() {
        let rules = PolicyRules(caps: [CapRule(purpose: .marketing, max: 1, per: day, onExceed: .defer)])
        let input = Fixture.input(
            now: now, job: Fixture.job(expiresAt: now.addingTimeInterval(3_600)), sends: [sent(1)])
        #expect(Fixture.policy(rules).decide(input).verdict == .suppress(.capped))
    }

    @Test func scopeByChannelPurposeAndTopic() {
        let rules = PolicyRules(caps: [
            CapRule(purpose: .marketing, topic: "loyalty", channel: "email", max: 1, per: day, onExceed: .drop)
        ])
        let policy = Fixture.policy(rules)
        let loyalty = Fixture.job(topic: "loyalty")
        // Sends outside the rule's scope do not count.
        let unrelated = [
            sent(1, .sms, topic: "loyalty"), sent(1, .email, topic: "newsletter"), sent(1, .email, .transactional),
        ]
        #expect(policy.decide(Fixture.input(now: now, job: loyalty, sends: unrelated)).verdict == .send)
        let counted = [sent(1, .email, topic: "loyalty")]
        #expect(policy.decide(Fixture.input(now: now, job: loyalty, sends: counted)).verdict == .suppress(.capped))
        // A job of another topic is not capped by this rule.
        #expect(
            policy.decide(Fixture.input(now: now, job: Fixture.job(topic: "newsletter"), sends: counted)).verdict
                == .send)
    }

    @Test func transactionalIsExemptUnlessNamed() {
        let marketingCap = CapRule(purpose: .marketing, max: 0, per: day)
        let otp = Fixture.input(
            now: now, job: Fixture.job(.transactional), consents: [], sends: [sent(1, .email, .transactional)])
        #expect(Fixture.policy(PolicyRules(caps: [marketingCap])).decide(otp).verdict == .send)
        let transactionalCap = CapRule(purpose: .transactional, max: 1, per: .init(seconds: 60))
        #expect(Fixture.policy(PolicyRules(caps: [transactionalCap])).decide(otp).verdict == .send)
        let burst = Fixture.input(
            now: now, job: Fixture.job(.transactional), consents: [], sends: [sent(0.001, .email, .transactional)])
        #expect(Fixture.policy(PolicyRules(caps: [transactionalCap])).decide(burst).verdict == .suppress(.capped))
    }

    @Test func sendExactlyOneWindowAgoNoLongerCounts() {
        let rules = PolicyRules(caps: [CapRule(purpose: .marketing, max: 1, per: day)])
        #expect(Fixture.policy(rules).decide(Fixture.input(now: now, sends: [sent(24)])).verdict == .send)
    }

    @Test func lookbackIsTheLongestWindow() {
        let rules = PolicyRules(caps: [
            CapRule(purpose: .marketing, max: 3, per: day),
            CapRule(purpose: .marketing, max: 5, per: .init(seconds: 604_800)),
        ])
        #expect(Fixture.policy(rules).capLookback == 604_800)
        #expect(Fixture.policy().capLookback == 0)
    }
}

@Suite("Cap reservations only where a cap can count")
struct CapReservationScopeTests {
    @Test func onlySendsSomeCapRuleCountsAreReserved() {
        let day = PolicyDuration(seconds: 86_400)
        let policy = Fixture.policy(
            PolicyRules(caps: [
                CapRule(purpose: .marketing, max: 3, per: day),
                CapRule(purpose: .transactional, topic: "otp", channel: "sms", max: 5, per: day),
            ]))
        #expect(policy.countsTowardCaps(channel: .sms, purpose: .marketing, topic: nil))
        #expect(policy.countsTowardCaps(channel: .email, purpose: .marketing, topic: "news"))
        #expect(policy.countsTowardCaps(channel: .sms, purpose: .transactional, topic: "otp"))
        #expect(!policy.countsTowardCaps(channel: .email, purpose: .transactional, topic: "otp"))
        #expect(!policy.countsTowardCaps(channel: .sms, purpose: .transactional, topic: nil))
        #expect(!Fixture.policy().countsTowardCaps(channel: .sms, purpose: .marketing, topic: nil))
    }
}

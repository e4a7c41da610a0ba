import Foundation
import HeraldCore
import Testing

@testable import HeraldPolicy

/// Every suppression reason the policy owns is reachable, and the trace says why.
@Suite("Suppression reasons and trace")
struct SuppressionAndTraceTests {
    let now = Fixture.utc("2026-05-05T12:00:00Z")  // a Tuesday, 13:00 in London

    @Test func expiredJob() {
        let input = Fixture.input(now: now, job: Fixture.job(expiresAt: now))
        let decision = Fixture.policy().decide(input)
        #expect(decision.verdict == .suppress(.expired))
        #expect(decision.trace.map(\.rule) == ["stage", "expires_at"])
    }

    @Test func noAddress() {
        let input = Fixture.input(now: now, contact: Fixture.contact(email: nil))
        #expect(Fixture.policy().decide(input).verdict == .suppress(.noAddress))
    }

    @Test func everyAddressSuppressed() {
        let input = Fixture.input(now: now, suppressed: ["ana@example.com"])
        let decision = Fixture.policy().decide(input)
        #expect(decision.verdict == .suppress(.invalidAddress))
    }

    /// `rights.block_erased_addresses`: an erased person's address stays closed to marketing, not to a
    /// transactional message its new holder asked for.
    @Test func anErasedAddressIsBlockedForMarketingOnly() {
        let marketing = Fixture.policy().decide(Fixture.input(now: now, erased: ["ana@example.com"]))
        #expect(marketing.verdict == .suppress(.invalidAddress))
        #expect(marketing.step(.address)?.detail.contains("erased contact") == true)
        let transactional = Fixture.input(now: now, job: Fixture.job(.transactional), erased: ["ana@example.com"])
        #expect(Fixture.policy().decide(transactional).verdict == .send)
    }

    @Test func oneUsablePushTokenIsEnough() {
        let contact = Contact(
            id: "c1", timezone: "UTC",
            pushTokens: [.init(platform: .fcm, token: "dead"), .init(platform: .apns, token: "live")])
        let input = Fixture.input(now: now, contact: contact, channel: .push, suppressed: ["fcm:dead"])
        #expect(Fixture.policy().decide(input).verdict == .send)
    }

    @Test func traceMasksTheAddress() {
        let decision = Fixture.policy().decide(Fixture.input(now: now))
        let detail = decision.step(.address)?.detail ?? ""
        #expect(detail.contains(Redaction.mask("ana@example.com")))
        #expect(!decision.trace.contains { $0.detail.contains("ana@example.com") })
    }

    @Test func optedOutNamesTheEvent() {
        let input = Fixture.input(now: now, consents: [Fixture.grantAll, Fixture.event(7, "email", "*", .revoked)])
        let decision = Fixture.policy().decide(input)
        #expect(decision.verdict == .suppress(.optedOut))
        #expect(decision.step(.optOut)?.consentEventId == 7)
        #expect(decision.step(.optOut)?.detail.contains("#7") == true)
    }

    @Test func noConsent() {
        let decision = Fixture.policy().decide(Fixture.input(now: now, consents: []))
        #expect(decision.verdict == .suppress(.noConsent))
        #expect(decision.step(.consent)?.outcome == "suppress")
    }

    @Test func consentTraceCarriesTheGrantingEvent() {
        let decision = Fixture.policy().decide(Fixture.input(now: now))
        #expect(decision.verdict == .send)
        #expect(decision.step(.consent)?.consentEventId == 1)
    }

    @Test func holdWithoutZoneSuppresses() {
        let rules = PolicyRules(unknownTimezone: .hold, quietHours: [Fixture.eveningQuiet])
        let contact = Fixture.contact(timezone: nil, phone: "+15555550100")
        let decision = Fixture.policy(rules).decide(Fixture.input(now: now, contact: contact))
        #expect(decision.verdict == .suppress(.noTimezone))
        #expect(decision.step(.timezone)?.detail.contains("hold") == true)
        #expect(decision.step(.timezone)?.detail.contains("+15555550100") == false)
    }

    @Test func quietHoursPastExpiry() {
        // 22:00 London on a Tuesday: quiet until 09:00, but the job expires at 23:00.
        let late = Fixture.utc("2026-05-05T21:00:00Z")
        let job = Fixture.job(expiresAt: Fixture.utc("2026-05-05T22:00:00Z"))
        let rules = PolicyRules(quietHours: [Fixture.eveningQuiet])
        let decision = Fixture.policy(rules).decide(Fixture.input(now: late, job: job))
        #expect(decision.verdict == .suppress(.quietHoursExpired))
    }

    @Test func cappedDrop() {
        let rules = PolicyRules(caps: [CapRule(purpose: .marketing, max: 1, per: .init(seconds: 86_400))])
        let sends = [SendRecord(channel: .sms, purpose: .marketing, topic: nil, at: now.addingTimeInterval(-3_600))]
        let decision = Fixture.policy(rules).decide(Fixture.input(now: now, sends: sends))
        #expect(decision.verdict == .suppress(.capped))
        #expect(decision.step(.frequencyCap)?.detail.contains("1 of 1 in the 1d window") == true)
    }

    @Test func zoneInferredFromPhoneIsExplained() {
        let rules = PolicyRules(quietHours: [Fixture.eveningQuiet])
        let contact = Fixture.contact(timezone: nil, phone: "+989121234567")
        let decision = Fixture.policy(rules).decide(Fixture.input(now: now, contact: contact))
        let detail = decision.step(.timezone)?.detail ?? ""
        #expect(detail.contains("Asia/Tehran (inferred from phone"))
        #expect(!detail.contains("+989121234567"))
    }

    @Test func invalidContactZoneFallsBackToConfiguredDefault() {
        let rules = PolicyRules(defaultTimezone: "Asia/Kathmandu", quietHours: [Fixture.eveningQuiet])
        let contact = Fixture.contact(timezone: "Mars/Olympus", phone: "+15555550100")
        let decision = Fixture.policy(rules).decide(Fixture.input(now: now, contact: contact))
        let detail = decision.step(.timezone)?.detail ?? ""
        #expect(detail.contains("not a known zone"))
        #expect(detail.contains("Asia/Kathmandu (configured default"))
        // 12:00Z is 17:45 in Kathmandu: inside the window, so it sends now.
        #expect(decision.verdict == .send)
        #expect(decision.step(.sendWindow)?.detail.contains("2026-05-05 17:45 Tue Asia/Kathmandu") == true)
    }

    @Test func transactionalWithoutZoneIsNotHeld() {
        // No window applies to transactional mail, so a missing zone must not delay an OTP.
        let rules = PolicyRules(unknownTimezone: .hold, quietHours: [Fixture.eveningQuiet])
        let input = Fixture.input(
            now: now, contact: Fixture.contact(timezone: nil, phone: nil), job: Fixture.job(.transactional),
            consents: [])
        let decision = Fixture.policy(rules).decide(input)
        #expect(decision.verdict == .send)
        #expect(decision.step(.timezone)?.outcome == "skip")
    }

    @Test func traceFollowsRuleOrder() {
        let rules = PolicyRules(
            quietHours: [Fixture.eveningQuiet],
            caps: [CapRule(purpose: .marketing, max: 3, per: .init(seconds: 86_400))])
        let decision = Fixture.policy(rules).decide(Fixture.input(now: now))
        #expect(
            decision.trace.map(\.rule) == [
                "stage", "expires_at", "address", "opt_out", "consent", "timezone", "send_time", "send_window", "frequency_cap",
            ])
    }

    @Test func unparsableLocalTimeIsIgnoredAndSaidSo() {
        let input = Fixture.input(now: now, job: Fixture.job(localTime: "25:99"))
        let decision = Fixture.policy().decide(input)
        #expect(decision.verdict == .send)
        #expect(decision.step(.sendTime)?.detail.contains("not HH:mm") == true)
    }

    @Test func sendAtHoldsAtBothStages() {
        let later = now.addingTimeInterval(600)
        for stage in [PolicyStage.fanout, .send] {
            let input = Fixture.input(now: now, stage: stage, job: Fixture.job(.transactional, sendAt: later))
            #expect(Fixture.policy().decide(input).verdict == .deferUntil(later))
        }
    }
}

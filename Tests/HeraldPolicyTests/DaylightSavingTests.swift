import Foundation
import HeraldCore
import Testing

@testable import HeraldPolicy

/// local_time placement and send windows across DST gaps and overlaps, in the zones users live in.
@Suite("Local time across DST")
struct DaylightSavingTests {
    struct LocalTimeCase: CustomTestStringConvertible, Sendable {
        var name: String
        var zone: String
        var localTime: String
        var start: String
        var expected: String
        var testDescription: String { name }
    }

    static let localTimeCases: [LocalTimeCase] = [
        .init(
            name: "New York, ordinary day", zone: "America/New_York", localTime: "10:00",
            start: "2026-03-05T12:00:00Z", expected: "2026-03-05T15:00:00Z"),
        .init(
            name: "New York, time already passed today → tomorrow", zone: "America/New_York", localTime: "10:00",
            start: "2026-03-05T16:00:00Z", expected: "2026-03-06T15:00:00Z"),
        .init(
            name: "New York, 02:30 on spring-forward day → first instant after the gap (03:00 EDT)",
            zone: "America/New_York", localTime: "02:30", start: "2026-03-08T05:00:00Z",
            expected: "2026-03-08T07:00:00Z"),
        .init(
            name: "New York, 10:00 the day after spring-forward is EDT", zone: "America/New_York", localTime: "10:00",
            start: "2026-03-08T16:00:00Z", expected: "2026-03-09T14:00:00Z"),
        .init(
            name: "New York, 01:30 on fall-back day → first occurrence (EDT)", zone: "America/New_York",
            localTime: "01:30", start: "2026-11-01T04:00:00Z", expected: "2026-11-01T05:30:00Z"),
        .init(
            name: "New York, between the two 01:30s → next day's 01:30", zone: "America/New_York",
            localTime: "01:30", start: "2026-11-01T05:45:00Z", expected: "2026-11-02T06:30:00Z"),
        .init(
            name: "London, 01:30 on spring-forward day → 02:00 BST", zone: "Europe/London", localTime: "01:30",
            start: "2026-03-29T00:00:00Z", expected: "2026-03-29T01:00:00Z"),
        .init(
            name: "London, 01:30 on fall-back day → first occurrence (BST)", zone: "Europe/London",
            localTime: "01:30", start: "2026-10-24T23:30:00Z", expected: "2026-10-25T00:30:00Z"),
        .init(
            name: "Lord Howe, 02:15 in the 30-minute gap → 02:30 +11", zone: "Australia/Lord_Howe",
            localTime: "02:15", start: "2026-10-03T13:00:00Z", expected: "2026-10-03T15:30:00Z"),
        .init(
            name: "Lord Howe, 01:45 in the 30-minute overlap → first occurrence (+11)", zone: "Australia/Lord_Howe",
            localTime: "01:45", start: "2026-04-04T13:00:00Z", expected: "2026-04-04T14:45:00Z"),
        .init(
            name: "Tehran keeps +03:30 in summer (no DST since 2022)", zone: "Asia/Tehran", localTime: "10:00",
            start: "2026-06-21T00:00:00Z", expected: "2026-06-21T06:30:00Z"),
        .init(
            name: "Kathmandu +05:45", zone: "Asia/Kathmandu", localTime: "10:00", start: "2026-01-15T00:00:00Z",
            expected: "2026-01-15T04:15:00Z"),
    ]

    @Test(arguments: localTimeCases)
    func localTimePlacement(_ row: LocalTimeCase) {
        let now = Fixture.utc(row.start)
        let input = Fixture.input(
            now: now, contact: Fixture.contact(timezone: row.zone), job: Fixture.job(localTime: row.localTime))
        let decision = Fixture.policy().decide(input)
        #expect(decision.verdict == .deferUntil(Fixture.utc(row.expected)))
        #expect(decision.step(.timezone)?.detail == "\(row.zone) (contact timezone)")
    }

    @Test func sendStageDoesNotReplaceLocalTime() {
        // Picked up a few seconds after the scheduled 10:00: send now, not tomorrow.
        let input = Fixture.input(
            now: Fixture.utc("2026-03-05T15:00:05Z"), stage: .send,
            contact: Fixture.contact(timezone: "America/New_York"),
            job: Fixture.job(localTime: "10:00"))
        #expect(Fixture.policy().decide(input).verdict == .send)
    }

    struct WindowCase: CustomTestStringConvertible, Sendable {
        var name: String
        var zone: String
        var rule: QuietHoursRule
        var now: String
        var expected: String?
        var testDescription: String { name }
    }

    static let nightQuiet = QuietHoursRule(
        purpose: .marketing, start: Fixture.hhmm("00:00"), end: Fixture.hhmm("02:30"))
    static let earlyQuiet = QuietHoursRule(
        purpose: .marketing, start: Fixture.hhmm("00:00"), end: Fixture.hhmm("01:30"))

    static let windowCases: [WindowCase] = [
        .init(
            name: "London Saturday 22:00 → Monday 09:00 across spring-forward (Sunday closed)", zone: "Europe/London",
            rule: Fixture.eveningQuiet, now: "2026-03-28T22:00:00Z", expected: "2026-03-30T08:00:00Z"),
        .init(
            name: "New York Saturday 23:00 EST → Monday 09:00 EDT", zone: "America/New_York",
            rule: Fixture.eveningQuiet,
            now: "2026-03-08T04:00:00Z", expected: "2026-03-09T13:00:00Z"),
        .init(
            name: "quiet ending at 02:30 inside the New York gap opens at 03:00 EDT", zone: "America/New_York",
            rule: nightQuiet, now: "2026-03-08T06:00:00Z", expected: "2026-03-08T07:00:00Z"),
        .init(
            name: "quiet ending 01:30 on New York fall-back: first pass", zone: "America/New_York", rule: earlyQuiet,
            now: "2026-11-01T04:30:00Z", expected: "2026-11-01T05:30:00Z"),
        .init(
            name: "quiet ending 01:30 on New York fall-back: repeated hour is quiet again", zone: "America/New_York",
            rule: earlyQuiet, now: "2026-11-01T06:10:00Z", expected: "2026-11-01T06:30:00Z"),
        .init(
            name: "Lord Howe 21:00 Friday → Saturday 09:00 (+10:30)", zone: "Australia/Lord_Howe",
            rule: Fixture.eveningQuiet, now: "2026-10-02T10:30:00Z", expected: "2026-10-02T22:30:00Z"),
        .init(
            name: "Tehran 08:00 → 09:00 +03:30", zone: "Asia/Tehran", rule: Fixture.eveningQuiet,
            now: "2026-06-22T04:30:00Z", expected: "2026-06-22T05:30:00Z"),
        .init(
            name: "Kathmandu inside the window sends now", zone: "Asia/Kathmandu", rule: Fixture.eveningQuiet,
            now: "2026-01-15T06:15:00Z", expected: nil),
    ]

    @Test(arguments: windowCases)
    func windowOpening(_ row: WindowCase) {
        let rules = PolicyRules(quietHours: [row.rule])
        let input = Fixture.input(now: Fixture.utc(row.now), contact: Fixture.contact(timezone: row.zone))
        let decision = Fixture.policy(rules).decide(input)
        if let expected = row.expected {
            #expect(decision.verdict == .deferUntil(Fixture.utc(expected)))
            #expect(decision.step(.sendWindow)?.outcome == "defer")
        } else {
            #expect(decision.verdict == .send)
        }
    }

    @Test func windowAppliesOnlyToItsPurposeAndChannel() {
        let smsOnly = QuietHoursRule(
            purpose: .marketing, channel: "sms", start: Fixture.hhmm("21:00"), end: Fixture.hhmm("09:00"))
        let night = Fixture.utc("2026-05-05T23:00:00Z")
        let policy = Fixture.policy(PolicyRules(quietHours: [smsOnly]))
        #expect(policy.decide(Fixture.input(now: night, channel: .email)).verdict == .send)
        #expect(
            policy.decide(Fixture.input(now: night, channel: .sms)).deferredUntil == Fixture.utc("2026-05-06T08:00:00Z")
        )
        let otp = Fixture.input(now: night, channel: .sms, job: Fixture.job(.transactional), consents: [])
        #expect(policy.decide(otp).verdict == .send)
    }

    @Test func ruleAllowingNoDayNeverSends() {
        let never = QuietHoursRule(purpose: .marketing, weekdays: [])
        let decision = Fixture.policy(PolicyRules(quietHours: [never])).decide(
            Fixture.input(now: Fixture.utc("2026-05-05T12:00:00Z")))
        #expect(decision.verdict == .suppress(.quietHoursExpired))
    }
}

import Foundation
import HeraldCore
import Testing

@testable import HeraldPolicy

/// Scope resolution of the ledger (see `ConsentResolution`), one row per situation a user meets.
@Suite("Consent and opt-out scope")
struct ConsentScopeTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var purpose: Purpose
        var topic: String?
        var channel: ChannelKind = .email
        var events: [ConsentEvent]
        /// nil means the delivery passes consent.
        var expected: SuppressionReason?
        var decidingId: Int64?
        var testDescription: String { name }
    }

    static func e(_ id: Int64, _ channel: String, _ topic: String, _ status: ConsentStatus) -> ConsentEvent {
        Fixture.event(id, channel, topic, status)
    }

    static let rows: [Row] = [
        Row(name: "marketing without any record", purpose: .marketing, events: [], expected: .noConsent),
        Row(
            name: "marketing with a global grant", purpose: .marketing, events: [e(1, "*", "*", .granted)],
            decidingId: 1),
        Row(
            name: "grant on another channel does not cover email", purpose: .marketing,
            events: [e(1, "sms", "*", .granted)], expected: .noConsent),
        Row(
            name: "channel revocation after a global grant", purpose: .marketing,
            events: [e(1, "*", "*", .granted), e(2, "email", "*", .revoked)],
            expected: .optedOut, decidingId: 2),
        Row(
            name: "channel grant after a global revocation (same tier, latest wins)", purpose: .marketing,
            events: [e(1, "*", "*", .revoked), e(2, "email", "*", .granted)], decidingId: 2),
        Row(
            name: "topic grant beats an older channel-wide revocation", purpose: .marketing, topic: "newsletter",
            events: [e(1, "*", "*", .revoked), e(2, "email", "newsletter", .granted)],
            decidingId: 2),
        Row(
            name: "topic revocation beats a newer channel-wide grant", purpose: .marketing, topic: "newsletter",
            events: [e(1, "email", "newsletter", .revoked), e(2, "*", "*", .granted)],
            expected: .optedOut, decidingId: 1),
        Row(
            name: "global STOP after a topic grant stops marketing", purpose: .marketing, topic: "newsletter",
            events: [e(1, "email", "newsletter", .granted), e(2, "*", "*", .revoked)],
            expected: .optedOut, decidingId: 2),
        Row(
            name: "a re-grant after the global STOP restores the topic grant", purpose: .marketing, topic: "newsletter",
            events: [
                e(1, "email", "newsletter", .granted), e(2, "*", "*", .revoked),
                e(3, "email", "*", .granted),
            ], decidingId: 1),
        Row(
            name: "other topic's records are ignored", purpose: .marketing, topic: "newsletter",
            events: [e(1, "*", "loyalty", .granted)], expected: .noConsent),
        Row(
            name: "topic records of any channel scope compete by recency", purpose: .marketing, topic: "loyalty",
            events: [e(1, "email", "loyalty", .revoked), e(2, "*", "loyalty", .granted)],
            decidingId: 2),
        Row(
            name: "ledger order is by id, not array position", purpose: .marketing,
            events: [e(5, "email", "*", .revoked), e(3, "*", "*", .granted)],
            expected: .optedOut, decidingId: 5),
        Row(
            name: "a marketing job without topic ignores topic records", purpose: .marketing,
            events: [e(1, "email", "newsletter", .granted)], expected: .noConsent),
        Row(name: "transactional without any record", purpose: .transactional, events: []),
        Row(
            name: "transactional honours a channel opt-out", purpose: .transactional, channel: .sms,
            events: [e(1, "sms", "*", .revoked)], expected: .optedOut, decidingId: 1),
        Row(
            name: "transactional honours a global opt-out", purpose: .transactional,
            events: [e(1, "*", "*", .revoked)], expected: .optedOut, decidingId: 1),
        Row(
            name: "transactional ignores a topic revocation", purpose: .transactional, topic: "newsletter",
            events: [e(1, "email", "newsletter", .revoked)]),
        Row(
            name: "transactional ignores another channel's opt-out", purpose: .transactional,
            events: [e(1, "sms", "*", .revoked)]),
    ]

    @Test(arguments: rows)
    func resolves(_ row: Row) {
        let contact = Fixture.contact(timezone: "UTC")
        let input = Fixture.input(
            now: Fixture.utc("2026-05-05T12:00:00Z"), contact: contact, channel: row.channel,
            job: Fixture.job(row.purpose, topic: row.topic), consents: row.events)
        let decision = Fixture.policy().decide(input)
        if let expected = row.expected {
            #expect(decision.verdict == .suppress(expected))
        } else {
            #expect(decision.verdict == .send)
        }
        let deciding = decision.trace.compactMap(\.consentEventId).last
        #expect(deciding == row.decidingId)
    }
}

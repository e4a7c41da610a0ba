import Foundation
import HeraldCore

@testable import HeraldPolicy

/// Builders shared by the policy tests; every instant is explicit, never `Date()`.
enum Fixture {
    /// The zone table tests inject instead of the real phone look-up.
    static let phoneZones: [String: String] = ["+98": "Asia/Tehran", "+977": "Asia/Kathmandu", "+44": "Europe/London"]

    static func inferZone(_ phone: String) -> String? {
        phoneZones.first { phone.hasPrefix($0.key) }?.value
    }

    static func policy(_ rules: PolicyRules = PolicyRules()) -> CompliancePolicy {
        CompliancePolicy(rules: rules, inferTimeZone: { inferZone($0) })
    }

    /// "2026-03-08T06:30:00Z" → Date.
    static func utc(_ text: String) -> Date {
        guard let date = ISO8601DateFormatter().date(from: text) else { fatalError("bad fixture date \(text)") }
        return date
    }

    static func contact(
        timezone: String? = "Europe/London", email: String? = "ana@example.com", phone: String? = "+447700900123"
    ) -> Contact {
        Contact(id: "c1", timezone: timezone, email: email, phone: phone)
    }

    static func job(
        _ purpose: Purpose = .marketing, topic: String? = nil, sendAt: Date? = nil, localTime: String? = nil,
        expiresAt: Date? = nil
    ) -> JobSpec {
        JobSpec(
            idempotencyKey: "k", purpose: purpose, topic: topic, audience: Audience(contactIds: ["c1"]),
            channels: [.email, .sms], content: Content(email: .init(subject: "s", text: "t"), sms: .init(text: "t")),
            sendAt: sendAt, localTime: localTime, expiresAt: expiresAt)
    }

    static func event(
        _ id: Int64, _ channel: String, _ topic: String = "*", _ status: ConsentStatus,
        at: Date = Date(timeIntervalSince1970: 1_700_000_000)
    ) -> ConsentEvent {
        ConsentEvent(
            id: id,
            input: ConsentInput(
                contactId: "c1", channel: channel, topic: topic, status: status, source: "api", occurredAt: at),
            recordedAt: at, prevHash: ConsentChain.genesis)
    }

    /// A granted all-channel, all-topic marketing consent.
    static let grantAll = event(1, "*", "*", .granted)

    static func input(
        now: Date, stage: PolicyStage = .fanout, contact: Contact = contact(), channel: ChannelKind = .email,
        job: JobSpec = job(), consents: [ConsentEvent] = [grantAll], sends: [SendRecord] = [],
        suppressed: Set<String> = [], erased: Set<String> = []
    ) -> PolicyInput {
        PolicyInput(
            now: now, stage: stage, contact: contact, channel: channel, job: job,
            facts: ContactPolicyFacts(
                consents: consents, recentSends: sends, suppressedAddresses: suppressed, erasedAddresses: erased))
    }

    static func hhmm(_ text: String) -> LocalClockTime {
        guard let time = LocalClockTime(parsing: text) else { fatalError("bad fixture time \(text)") }
        return time
    }

    /// Marketing quiet 21:00–09:00, Monday to Saturday: the brief's example rule.
    static let eveningQuiet = QuietHoursRule(
        purpose: .marketing, start: hhmm("21:00"), end: hhmm("09:00"),
        weekdays: [
            .init(isoIndex: 0), .init(isoIndex: 1), .init(isoIndex: 2), .init(isoIndex: 3), .init(isoIndex: 4),
            .init(isoIndex: 5),
        ])
}

extension PolicyDecision {
    func steps(_ name: PolicyStepName) -> [TraceStep] { trace.filter { $0.rule == name.rawValue } }
    func step(_ name: PolicyStepName) -> TraceStep? { steps(name).last }

    var deferredUntil: Date? {
        if case .deferUntil(let date) = verdict { return date }
        return nil
    }
}

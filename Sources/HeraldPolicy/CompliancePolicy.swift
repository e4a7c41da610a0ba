import Foundation
import HeraldCore

/// The rule names a decision trace uses, in evaluation order.
public enum PolicyStepName: String, Sendable, CaseIterable {
    /// Which evaluation this is: at fan-out, or the re-check right before sending.
    case stage
    case expiresAt = "expires_at"
    case address
    case optOut = "opt_out"
    case consent
    case timezone
    case sendTime = "send_time"
    case sendWindow = "send_window"
    case frequencyCap = "frequency_cap"
}

/// The compliance policy of SPEC §3 as a pure function of its input: no I/O, no clock of its own.
///
/// Rules run in order — expiry, address, opt-out, marketing consent, time zone, send time, send
/// window, frequency caps — and the first suppression ends the evaluation. Every rule evaluated
/// leaves one `TraceStep` (a deferral loop may evaluate window and caps more than once).
public struct CompliancePolicy: DeliveryPolicy {
    public let rules: PolicyRules
    /// E.164 number → IANA zone of its country when that country has exactly one; injectable for tests.
    let inferTimeZone: @Sendable (String) -> String?
    let zones = ZoneCache.shared
    let compiled: CompiledRules

    public init(
        rules: PolicyRules,
        inferTimeZone: @escaping @Sendable (String) -> String? = { PhoneNumber.inferredTimeZone(forE164: $0) }
    ) {
        self.rules = rules
        self.inferTimeZone = inferTimeZone
        self.compiled = CompiledRules(rules)
    }

    public var capLookback: TimeInterval { rules.capLookback }

    public func countsTowardCaps(channel: ChannelKind, purpose: Purpose, topic: String?) -> Bool {
        rules.caps.contains { $0.matches(purpose: purpose, topic: topic, channel: channel) }
    }

    public func decide(_ input: PolicyInput) -> PolicyDecision {
        var trace: [TraceStep] = []
        trace.reserveCapacity(10)
        trace.append(
            TraceStep(
                rule: PolicyStepName.stage.rawValue, outcome: input.stage.rawValue,
                detail: input.stage == .fanout ? "decided at fan-out" : "re-checked right before sending",
                at: input.now))
        let verdict = evaluate(input, trace: &trace)
        return PolicyDecision(verdict, trace: trace)
    }

    private func evaluate(_ input: PolicyInput, trace: inout [TraceStep]) -> Verdict {
        if let expiresAt = input.job.expiresAt {
            if input.now >= expiresAt {
                trace.append(step(.expiresAt, "suppress", "job expired", at: expiresAt))
                return .suppress(.expired)
            }
            trace.append(step(.expiresAt, "pass", "job not expired", at: expiresAt))
        } else {
            trace.append(step(.expiresAt, "pass", "job has no expires_at"))
        }
        if let reason = checkAddress(input, trace: &trace) { return .suppress(reason) }
        if let reason = checkConsent(input, trace: &trace) { return .suppress(reason) }
        return schedule(input, trace: &trace)
    }

    private func checkAddress(_ input: PolicyInput, trace: inout [TraceStep]) -> SuppressionReason? {
        let suppressed = input.facts.suppressedAddresses
        // An erased person's address stays closed to marketing when `rights.block_erased_addresses` says so.
        let erased = input.job.purpose == .marketing ? input.facts.erasedAddresses : []
        let open = suppressed.isEmpty && erased.isEmpty
        // The first usable address and how many there are, without building the list (one per decision).
        var count = 0
        var usable: String?
        input.contact.forEachAddress(on: input.channel) { address in
            count += 1
            if usable == nil, open || !(suppressed.contains(address) || erased.contains(address)) { usable = address }
        }
        guard count > 0 else {
            trace.append(step(.address, "suppress", "contact has no \(input.channel.rawValue) address"))
            return .noAddress
        }
        guard let usable else {
            if input.contact.addresses(on: input.channel).allSatisfy(erased.contains) {
                trace.append(
                    step(
                        .address, "suppress",
                        "every \(input.channel.rawValue) address belonged to an erased contact (rights.block_erased_addresses)"))
                return .invalidAddress
            }
            trace.append(
                step(
                    .address, "suppress",
                    "every \(input.channel.rawValue) address is suppressed (bounce, complaint or invalid)"))
            return .invalidAddress
        }
        let masked = TraceWording.maskedAddress(label: Self.addressLabel(input.channel), address: usable, others: count - 1)
        trace.append(step(.address, "pass", masked))
        return nil
    }

    /// "sms address ", as a literal: no string is built for it per decision.
    private static func addressLabel(_ channel: ChannelKind) -> StaticString {
        switch channel {
        case .email: "email address "
        case .sms: "sms address "
        case .push: "push address "
        case .messenger: "messenger address "
        }
    }

    func step(_ name: PolicyStepName, _ outcome: String, _ detail: String, event: Int64? = nil, at: Date? = nil)
        -> TraceStep
    {
        TraceStep(rule: name.rawValue, outcome: outcome, detail: detail, consentEventId: event, at: at)
    }

    func step(_ name: PolicyStepName, _ outcome: String, _ wording: TraceWording, event: Int64? = nil, at: Date? = nil)
        -> TraceStep
    {
        TraceStep(rule: name.rawValue, outcome: outcome, wording: wording, consentEventId: event, at: at)
    }
}

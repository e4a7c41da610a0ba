import Foundation
import HeraldCore

/// A small, explicit policy for store, engine and claim tests (the real compliance policy is tested on its own):
/// a scripted verdict per contact wins; otherwise no address → suppress, every address blocked →
/// invalid_address, an optional cap on recent sends → capped; else send.
public struct ScriptedPolicy: DeliveryPolicy {
    public var verdicts: [String: Verdict]
    /// At most this many sends per contact inside `capLookback`; nil means no cap.
    public var cap: Int?
    public var capLookback: TimeInterval
    /// Whether claims reserve a cap slot for its sends (as a policy with a matching cap rule would).
    public var reserves: Bool

    public init(
        verdicts: [String: Verdict] = [:], cap: Int? = nil, capLookback: TimeInterval = 86_400, reserves: Bool = true
    ) {
        self.verdicts = verdicts
        self.cap = cap
        self.capLookback = capLookback
        self.reserves = reserves
    }

    public func decide(_ input: PolicyInput) -> PolicyDecision {
        if let verdict = verdicts[input.contact.id] {
            return PolicyDecision(verdict, trace: [TraceStep(rule: "script", outcome: "\(verdict)", detail: "scripted")])
        }
        let addresses = input.contact.addresses(on: input.channel)
        if addresses.isEmpty {
            return PolicyDecision(
                .suppress(.noAddress), trace: [TraceStep(rule: "address", outcome: "suppress", detail: "no address")])
        }
        if addresses.allSatisfy(input.facts.suppressedAddresses.contains) {
            return PolicyDecision(
                .suppress(.invalidAddress),
                trace: [TraceStep(rule: "suppression", outcome: "suppress", detail: "address blocked")])
        }
        if let cap, input.facts.recentSends.count >= cap {
            return PolicyDecision(.suppress(.capped), trace: [TraceStep(rule: "cap", outcome: "suppress", detail: "cap")])
        }
        return PolicyDecision(.send, trace: [TraceStep(rule: "default", outcome: "send", detail: "allowed")])
    }

    public func countsTowardCaps(channel: ChannelKind, purpose: Purpose, topic: String?) -> Bool { reserves }
}

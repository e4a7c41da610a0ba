import Foundation
import HeraldCore

/// Pure: turns one contact of a job into delivery rows by asking the policy about each channel.
/// `first` stops at the first channel the policy lets through (now or later); `all` plans every channel.
public struct FanoutPlanner: Sendable {
    public var policy: any DeliveryPolicy

    public init(policy: any DeliveryPolicy) { self.policy = policy }

    public func plan(job: Job, contact: Contact, facts: ContactPolicyFacts, now: Date) -> [NewDelivery] {
        var planned: [NewDelivery] = []
        for channel in job.spec.channels {
            let decision = policy.decide(
                PolicyInput(now: now, stage: .fanout, contact: contact, channel: channel, job: job.spec, facts: facts))
            let row = NewDelivery(
                jobId: job.id, contactId: contact.id, channel: channel, lane: job.spec.lane,
                state: Self.state(for: decision.verdict), reason: Self.reason(for: decision.verdict),
                notBefore: Self.notBefore(for: decision.verdict, now: now), trace: decision.trace)
            planned.append(row)
            if job.spec.effectiveStrategy == .first, row.state != .suppressed { break }
        }
        return planned
    }

    /// A contact id in the job's list that the store does not know.
    public func unknownContact(job: Job, contactId: String, now: Date) -> NewDelivery {
        NewDelivery(
            jobId: job.id, contactId: contactId, channel: job.spec.channels.first ?? .email, lane: job.spec.lane,
            state: .suppressed, reason: .noAddress, notBefore: now,
            trace: [TraceStep(rule: "contact", outcome: "suppress", detail: "no contact with this id")])
    }

    static func state(for verdict: Verdict) -> DeliveryState {
        switch verdict {
        case .send: .queued
        case .deferUntil: .scheduled
        case .suppress: .suppressed
        }
    }

    static func reason(for verdict: Verdict) -> SuppressionReason? {
        if case .suppress(let reason) = verdict { return reason }
        return nil
    }

    static func notBefore(for verdict: Verdict, now: Date) -> Date {
        if case .deferUntil(let date) = verdict { return date }
        return now
    }
}

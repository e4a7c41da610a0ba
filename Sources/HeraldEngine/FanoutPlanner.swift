import Foundation
import HeraldCore

/// Pure: turns one contact of a job into delivery rows by asking the policy about each channel.
/// `first` stops at the first channel the policy lets through (now or later); `all` plans every channel.
public struct FanoutPlanner: Sendable {
    public var policy: any DeliveryPolicy

    public init(policy: any DeliveryPolicy) { self.policy = policy }

    public func plan(job: Job, contact: Contact, facts: ContactPolicyFacts, now: Date) -> [NewDelivery] {
        var planned: [NewDelivery] = []
        plan(job: job, contact: contact, facts: facts, now: now, into: &planned)
        return planned
    }

    /// Appends the contact's rows to a page's rows: no array per contact.
    private func plan(
        job: Job, contact: Contact, facts: ContactPolicyFacts, now: Date, into planned: inout [NewDelivery]
    ) {
        for channel in job.spec.channels {
            let decision = policy.decide(
                PolicyInput(now: now, stage: .fanout, contact: contact, channel: channel, job: job.spec, facts: facts))
            let row = NewDelivery(
                job: job.spec, jobId: job.id, contactId: contact.id, channel: channel,
                state: Self.state(for: decision.verdict), reason: Self.reason(for: decision.verdict),
                notBefore: Self.notBefore(for: decision.verdict, now: now),
                trace: decision.verdict == .send ? Self.passed : decision.trace)
            planned.append(row)
            if job.spec.effectiveStrategy == .first, row.state != .suppressed { break }
        }
    }

    /// Rows for a page of an audience: the contacts found, then the ids the store does not know.
    public func plan(
        job: Job, contacts: [Contact], unknownIds: [String], facts: [String: ContactPolicyFacts], now: Date
    ) -> [NewDelivery] {
        var rows: [NewDelivery] = []
        rows.reserveCapacity(contacts.count * job.spec.channels.count + unknownIds.count)
        for contact in contacts {
            plan(job: job, contact: contact, facts: facts[contact.id] ?? .init(), now: now, into: &rows)
        }
        for id in unknownIds { rows.append(unknownContact(job: job, contactId: id, now: now)) }
        return rows
    }

    /// Intake's fan-out of small jobs: the same planning, run inside the store's job transaction at the
    /// job's creation time.
    public func inline(maxAudience: Int, expressPriority: Int) -> InlineFanout {
        InlineFanout(maxAudience: maxAudience, capLookback: policy.capLookback, expressPriority: expressPriority) {
            job, contacts, unknown, facts in
            plan(job: job, contacts: contacts, unknownIds: unknown, facts: facts, now: job.createdAt)
        }
    }

    /// A pass at fan-out is provisional: the claim asks the policy again right before the send and stores that
    /// decision's full trace. Storing the pass's nine lines too would double the bytes of every delivery.
    static let passed = [
        TraceStep(
            rule: "fanout", outcome: "queued",
            detail: "every check passed; decided again, with the full trace, right before the send")
    ]

    /// A contact id in the job's list that the store does not know.
    public func unknownContact(job: Job, contactId: String, now: Date) -> NewDelivery {
        NewDelivery(
            job: job.spec, jobId: job.id, contactId: contactId, channel: job.spec.channels.first ?? .email,
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

import Foundation

/// The decision half of `Store.claimDue`, shared by every backend: given the due rows a store has leased,
/// the contacts and their policy facts, it says which rows to send, defer or suppress, with the trace
/// to store for each. Pure: no I/O, no clock (`now` is an input); the store then applies the groups in SQL.
public struct ClaimDecider: Sendable {
    public let policy: any DeliveryPolicy
    public let now: Date
    /// Decoded specs by job id, so a batch decodes each job once (the cache is only a memo).
    public let specs: JobSpecCache

    public init(policy: any DeliveryPolicy, now: Date, specs: JobSpecCache) {
        self.policy = policy
        self.now = now
        self.specs = specs
    }

    /// Decides each row in order. A `send` counts toward that contact's cap facts for the later rows of
    /// this batch, so two due rows for one contact under a cap of 1 send once.
    /// Throws only when a stored job spec no longer decodes.
    public func decide(
        _ due: [DueDelivery], contacts: [String: Contact], facts initialFacts: [String: ContactPolicyFacts]
    ) throws -> ClaimDecisions {
        var facts = initialFacts
        var decisions = ClaimDecisions()
        decisions.sends.reserveCapacity(due.count)
        for row in due {
            let spec = try specs.spec(jobId: row.jobId, json: row.specJSON)
            // A worker died mid-send after its job was cancelled: the cancel wins over the re-claim.
            if row.jobCancelled {
                decisions.suppressions.append(.init(row: row.verdictRow(detail: nil), reason: .cancelled, trace: "[]"))
                continue
            }
            guard let contact = contacts[row.contactId] else {
                decisions.suppressions.append(.init(row: row.verdictRow(detail: nil), reason: .noAddress, trace: "[]"))
                continue
            }
            let decision = policy.decide(
                PolicyInput(
                    now: now, stage: .send, contact: contact, channel: row.channel, job: spec,
                    facts: facts[row.contactId] ?? ContactPolicyFacts()))
            let trace = TraceStep.encode(decision.trace)
            switch decision.verdict {
            case .send:
                let record = SendRecord(channel: row.channel, purpose: spec.purpose, topic: spec.topic, at: now)
                facts[row.contactId, default: ContactPolicyFacts()].recentSends.append(record)
                decisions.sends.append(
                    ClaimDecisions.Send(
                        delivery: ClaimedDelivery(
                            deliveryId: row.id, jobId: row.jobId, contact: contact, channel: row.channel, job: spec,
                            attempt: row.attemptCount + 1, decisionTrace: trace),
                        reservation: policy.countsTowardCaps(channel: row.channel, purpose: spec.purpose, topic: spec.topic)
                            ? record : nil))
            case .deferUntil(let date):
                decisions.deferrals.append(.init(row: row.verdictRow(decision.trace), until: date, trace: trace))
            case .suppress(let reason):
                decisions.suppressions.append(.init(row: row.verdictRow(decision.trace), reason: reason, trace: trace))
            }
        }
        return decisions
    }
}

/// One leased row as a store read it: the delivery, its job's stored spec and whether the job was cancelled.
public struct DueDelivery: Sendable, Hashable {
    public var id: Int64
    public var jobId: Int64
    public var contactId: String
    public var channel: ChannelKind
    /// Attempts made before this claim.
    public var attemptCount: Int
    public var specJSON: String
    public var jobCancelled: Bool

    public init(
        id: Int64, jobId: Int64, contactId: String, channel: ChannelKind, attemptCount: Int, specJSON: String,
        jobCancelled: Bool
    ) {
        self.id = id
        self.jobId = jobId
        self.contactId = contactId
        self.channel = channel
        self.attemptCount = attemptCount
        self.specJSON = specJSON
        self.jobCancelled = jobCancelled
    }
}

extension DueDelivery {
    func verdictRow(detail: String?) -> ClaimDecisions.VerdictRow {
        .init(deliveryId: id, jobId: jobId, contactId: contactId, channel: channel, detail: detail)
    }

    func verdictRow(_ trace: [TraceStep]) -> ClaimDecisions.VerdictRow {
        verdictRow(detail: trace.last.map { "\($0.rule): \($0.detail)" })
    }
}

/// The verdicts of one claim, grouped by kind so a store can apply each kind in one statement.
public struct ClaimDecisions: Sendable {
    /// Lease it (state `sending`) and reserve a `send_log` row where a cap could count it; the trace goes with the
    /// delivery and is stored by its outcome (`ClaimedDelivery.decisionTrace`).
    public struct Send: Sendable {
        public var delivery: ClaimedDelivery
        public var trace: String { delivery.decisionTrace }
        /// The `send_log` row to write (contact from `delivery.contact.id`); `at` is the claim's `now`.
        /// Nil when no cap rule could count this send: nothing is written.
        public var reservation: SendRecord?

        public init(delivery: ClaimedDelivery, reservation: SendRecord?) {
            self.delivery = delivery
            self.reservation = reservation
        }
    }

    /// Back to `scheduled` until `until`.
    public struct Deferral: Sendable, Hashable {
        public var row: VerdictRow
        public var until: Date
        public var trace: String
        public var deliveryId: Int64 { row.deliveryId }

        public init(row: VerdictRow, until: Date, trace: String) {
            self.row = row
            self.until = until
            self.trace = trace
        }
    }

    public struct Suppression: Sendable, Hashable {
        public var row: VerdictRow
        public var reason: SuppressionReason
        public var trace: String
        public var deliveryId: Int64 { row.deliveryId }

        public init(row: VerdictRow, reason: SuppressionReason, trace: String) {
            self.row = row
            self.reason = reason
            self.trace = trace
        }
    }

    /// Which delivery a deferral or suppression is about, and the last trace step in words, so the engine
    /// can count and stream claim-time verdicts like any other state change.
    public struct VerdictRow: Sendable, Hashable {
        public var deliveryId: Int64
        public var jobId: Int64
        public var contactId: String
        public var channel: ChannelKind
        /// `rule: detail` of the deciding trace step; nil when the store decided (cancelled job, contact gone).
        public var detail: String?

        public init(deliveryId: Int64, jobId: Int64, contactId: String, channel: ChannelKind, detail: String?) {
            self.deliveryId = deliveryId
            self.jobId = jobId
            self.contactId = contactId
            self.channel = channel
            self.detail = detail
        }
    }

    public var sends: [Send] = []
    public var deferrals: [Deferral] = []
    public var suppressions: [Suppression] = []
    /// The newest ledger event id the claim's decisions saw: anything after it is checked again right
    /// before the send (a revocation acknowledged meanwhile stops it).
    public var consentWatermark: Int64 = 0
    /// The store's count of cancels, erasures and suppressions as the claim read it, before its facts; while it
    /// has not moved, the check before the send has nothing else to look up. Nil where the store keeps none.
    public var stopWatermark: Int64?
    /// `Store.contactDeletions()` as the claim read it (`DeliveryOutcome.contactDeletions`). Nil where the store
    /// keeps no count.
    public var contactDeletions: Int64?

    public init() {}

    /// The deliveries to send now, in due order.
    public var claimed: [ClaimedDelivery] { sends.map(\.delivery) }
}

import Foundation

/// Where in a delivery's life the policy is asked.
public enum PolicyStage: String, Codable, Sendable {
    case fanout, send
}

/// A send that counts against frequency caps.
public struct SendRecord: Sendable, Hashable {
    public var channel: ChannelKind
    public var purpose: Purpose
    public var topic: String?
    public var at: Date

    public init(channel: ChannelKind, purpose: Purpose, topic: String?, at: Date) {
        self.channel = channel
        self.purpose = purpose
        self.topic = topic
        self.at = at
    }
}

/// What the store knows about one contact that the policy needs, loaded in batches.
public struct ContactPolicyFacts: Sendable {
    /// Ledger events for this contact, in ledger order.
    public var consents: [ConsentEvent]
    /// Sends (and reservations) inside the policy's cap look-back window.
    public var recentSends: [SendRecord]
    /// Which of this contact's addresses are blocked (bounce, complaint, invalid token).
    public var suppressedAddresses: Set<String>
    /// Which of this contact's addresses belonged to an erased contact and stay blocked for marketing
    /// (`rights.block_erased_addresses`).
    public var erasedAddresses: Set<String>

    public init(
        consents: [ConsentEvent] = [], recentSends: [SendRecord] = [], suppressedAddresses: Set<String> = [],
        erasedAddresses: Set<String> = []
    ) {
        self.consents = consents
        self.recentSends = recentSends
        self.suppressedAddresses = suppressedAddresses
        self.erasedAddresses = erasedAddresses
    }
}

public struct PolicyInput: Sendable {
    public var now: Date
    public var stage: PolicyStage
    public var contact: Contact
    public var channel: ChannelKind
    public var job: JobSpec
    public var facts: ContactPolicyFacts

    public init(
        now: Date, stage: PolicyStage, contact: Contact, channel: ChannelKind, job: JobSpec, facts: ContactPolicyFacts
    ) {
        self.now = now
        self.stage = stage
        self.contact = contact
        self.channel = channel
        self.job = job
        self.facts = facts
    }
}

public enum Verdict: Sendable, Hashable {
    case send
    case deferUntil(Date)
    case suppress(SuppressionReason)
}

public struct PolicyDecision: Sendable, Hashable {
    public var verdict: Verdict
    public var trace: [TraceStep]

    public init(_ verdict: Verdict, trace: [TraceStep]) {
        self.verdict = verdict
        self.trace = trace
    }
}

/// The hook between fan-out and send: pure, no I/O, no clock of its own.
public protocol DeliveryPolicy: Sendable {
    /// How far back sends must be loaded for cap counting.
    var capLookback: TimeInterval { get }
    func decide(_ input: PolicyInput) -> PolicyDecision
    /// Whether a send of this kind could ever count toward a cap: only then does a claim write a
    /// reservation for it.
    func countsTowardCaps(channel: ChannelKind, purpose: Purpose, topic: String?) -> Bool
}

extension DeliveryPolicy {
    /// Without knowledge of the rules, every send is reserved.
    public func countsTowardCaps(channel: ChannelKind, purpose: Purpose, topic: String?) -> Bool { true }
}

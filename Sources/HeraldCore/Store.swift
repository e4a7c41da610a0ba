import Foundation

public struct ClaimRequest: Sendable {
    /// Identifies this worker's leases.
    public var owner: String
    public var now: Date
    public var limit: Int
    /// A `sending` delivery whose lease has run out belonged to a worker that died; it is claimed again.
    public var leaseUntil: Date
    public var policy: any DeliveryPolicy
    /// Only rows of at least this priority: the express lane claims transactional work without ever
    /// taking a campaign batch.
    public var minPriority: Int
    /// The express lane's claims are urgent: they write ahead of the rest.
    public var isUrgent: Bool

    public init(
        owner: String, now: Date, limit: Int, leaseUntil: Date, policy: any DeliveryPolicy, minPriority: Int = 0,
        isUrgent: Bool = false
    ) {
        self.owner = owner
        self.now = now
        self.limit = limit
        self.leaseUntil = leaseUntil
        self.policy = policy
        self.minPriority = minPriority
        self.isUrgent = isUrgent
    }
}

/// A delivery the store has leased to a worker after the policy said `.send`. A class: it carries its contact
/// and its job's whole spec, and passes through a claim's verdicts, events, the gate and the driver's batch,
/// where copying a struct retained every field of both on each hand-over (6% of the engine's CPU).
public final class ClaimedDelivery: Sendable {
    public let deliveryId: Int64
    public let jobId: Int64
    public let contact: Contact
    public let channel: ChannelKind
    public let job: JobSpec
    /// 1 for the first try.
    public let attempt: Int
    /// The claim's trace in its stored form: written with the outcome, in the same row update, not by the claim.
    public let decisionTrace: String

    public init(
        deliveryId: Int64, jobId: Int64, contact: Contact, channel: ChannelKind, job: JobSpec, attempt: Int,
        decisionTrace: String
    ) {
        self.deliveryId = deliveryId
        self.jobId = jobId
        self.contact = contact
        self.channel = channel
        self.job = job
        self.attempt = attempt
        self.decisionTrace = decisionTrace
    }
}

/// What happened to one claimed delivery, written back in a batch.
public struct DeliveryOutcome: Sendable {
    public enum Next: Sendable, Hashable {
        case sent
        case retry(at: Date)
        case failed
        case suppressed(SuppressionReason)
    }

    public var deliveryId: Int64
    public var owner: String
    /// One per instance tried: a failover within one claim records every instance it went through.
    public var attempts: [Attempt]
    public var next: Next
    public var smsSegments: Int?
    /// What happened after the claim's decision (a locale variant, a retry, a failure, a late stop).
    public var trace: [TraceStep]
    /// The claim's decision in its stored form.
    public var decisionTrace: String?
    /// With `strategy: first`, a permanent failure queues the job's next channel.
    public var fallback: NewDelivery?
    /// Addresses the provider said are dead (bounce, unregistered token).
    public var invalidAddresses: [String]
    /// `Store.contactDeletions()` as the delivery's claim read it: while it has not moved, no delivery of the batch
    /// was erased in flight, and the store need not look. Nil: the store looks.
    public var contactDeletions: Int64?

    public init(
        deliveryId: Int64, owner: String, attempts: [Attempt], next: Next, smsSegments: Int? = nil, trace: [TraceStep] = [],
        decisionTrace: String? = nil, fallback: NewDelivery? = nil, invalidAddresses: [String] = []
    ) {
        self.deliveryId = deliveryId
        self.owner = owner
        self.attempts = attempts
        self.next = next
        self.smsSegments = smsSegments
        self.trace = trace
        self.decisionTrace = decisionTrace
        self.fallback = fallback
        self.invalidAddresses = invalidAddresses
    }

    /// What the outcome's row update stores as the delivery's send trace, the decision's steps then the
    /// outcome's; nil keeps the stored one.
    public var storedTrace: String? {
        guard !trace.isEmpty else { return decisionTrace }
        let steps = TraceStep.encode(trace)
        // Both are JSON arrays in the stored form: joined without decoding either.
        guard let decisionTrace, decisionTrace.utf8.count > 2, decisionTrace.last == "]", steps.first == "[" else { return steps }
        return decisionTrace.dropLast() + "," + steps.dropFirst()
    }

    /// What it stores instead when the contact was erased while the message was in flight: only a late stop's
    /// step, which names no one (the decision names the address; a provider's answer may).
    public var storedTraceAfterErasure: String? {
        next == .suppressed(.cancelled) && !trace.isEmpty ? TraceStep.encode(trace) : nil
    }
}

public struct FanoutBatch: Sendable {
    public var jobId: Int64
    public var owner: String
    public var deliveries: [NewDelivery]
    /// Where the next batch starts; stored with the batch so a crash never writes a contact twice.
    public var cursor: String?
    public var audienceAdded: Int
    public var finished: Bool
    public var leaseUntil: Date
    public var at: Date
    /// The contacts the batch was planned from. A contact among them that is gone when the batch is written
    /// (erased meanwhile) gets no row: the write checks, since fan-out reads a batch ahead of writing it.
    public var readContactIds: [String]
    /// `Store.contactDeletions()` read before the batch's page: while it has not moved, no contact is gone.
    public var contactDeletions: Int64?

    public init(
        jobId: Int64, owner: String, deliveries: [NewDelivery], cursor: String?, audienceAdded: Int, finished: Bool,
        leaseUntil: Date, at: Date, readContactIds: [String] = [], contactDeletions: Int64? = nil
    ) {
        self.at = at
        self.readContactIds = readContactIds
        self.contactDeletions = contactDeletions
        self.jobId = jobId
        self.owner = owner
        self.deliveries = deliveries
        self.cursor = cursor
        self.audienceAdded = audienceAdded
        self.finished = finished
        self.leaseUntil = leaseUntil
    }
}

extension Store {
    public func createJob(_ spec: JobSpec, bodyHash: String, at: Date) async throws -> JobCreation {
        try await createJob(spec, json: CanonicalJobSpec(spec).json, bodyHash: bodyHash, at: at, inline: nil)
    }

    public func createJob(_ spec: JobSpec, bodyHash: String, at: Date, inline: InlineFanout?) async throws -> JobCreation {
        try await createJob(spec, json: CanonicalJobSpec(spec).json, bodyHash: bodyHash, at: at, inline: inline)
    }
}

/// How intake fans a small job out itself: the engine's planner, handed to the store's transaction.
public struct InlineFanout: Sendable {
    /// Largest `contact_ids` audience fanned out at intake; larger ones go through the fan-out queue.
    public var maxAudience: Int
    public var capLookback: TimeInterval
    /// Small jobs of at least this priority (`engine.express_priority`) are urgent: their intake writes first.
    public var expressPriority: Int
    /// Rows for the contacts found (with their policy facts) and for the ids the store does not know.
    public var plan: @Sendable (_ job: Job, _ contacts: [Contact], _ unknownIds: [String], _ facts: [String: ContactPolicyFacts]) -> [NewDelivery]

    public init(
        maxAudience: Int, capLookback: TimeInterval, expressPriority: Int,
        plan: @escaping @Sendable (Job, [Contact], [String], [String: ContactPolicyFacts]) -> [NewDelivery]
    ) {
        self.maxAudience = maxAudience
        self.capLookback = capLookback
        self.expressPriority = expressPriority
        self.plan = plan
    }

    /// An express job fanned out at intake: an OTP, which must not wait behind bulk work.
    public func isExpress(_ spec: JobSpec) -> Bool {
        isExpress(spec, audience: audience(of: spec))
    }

    /// The same, for a caller that has already computed `audience(of: spec)`.
    public func isExpress(_ spec: JobSpec, audience: [String]?) -> Bool {
        spec.effectivePriority >= expressPriority && audience != nil
    }

    /// The ids to fan out inline, in audience order without repeats; nil when the job is not small enough.
    public func audience(of spec: JobSpec) -> [String]? {
        guard let ids = spec.audience.contactIds, spec.audience.segment == nil else { return nil }
        var seen = Set<String>()
        let unique = ids.filter { seen.insert($0).inserted }
        return unique.count <= maxAudience ? unique : nil
    }
}

public struct ConsentExportQuery: Sendable {
    public var since: Date?
    public var until: Date?
    public var afterId: Int64
    public var limit: Int

    public init(since: Date? = nil, until: Date? = nil, afterId: Int64 = 0, limit: Int = 1000) {
        self.since = since
        self.until = until
        self.afterId = afterId
        self.limit = limit
    }
}

/// Durable state. Every backend (SQLite, PostgreSQL) passes the same conformance suite.
/// Writes that belong together happen in one transaction; lists are paged so nothing loads a whole table.
public protocol Store: Sendable {
    func migrate() async throws
    func close() async throws

    // MARK: API keys (only hashes are stored)
    func insertAPIKey(hash: String, role: Role, label: String?, at: Date) async throws
    func role(forKeyHash hash: String) async throws -> Role?
    func apiKeyCount() async throws -> Int

    // MARK: Contacts
    func upsertContacts(_ contacts: [Contact], at: Date) async throws
    func contact(id: String) async throws -> Contact?
    func contacts(ids: [String]) async throws -> [Contact]
    /// Contacts whose phone is this E.164 number (inbound SMS replies carry only the number).
    func contacts(phone: String) async throws -> [Contact]
    /// Contacts ordered by id, strictly after `afterId`: how segments stream.
    func contactsPage(after afterId: String?, limit: Int) async throws -> [Contact]

    // MARK: Jobs
    /// Stores the job. With `inline` and a `contact_ids` audience no larger than its limit, the job is also
    /// fanned out in the same transaction (status `active`): small jobs never wait in the fan-out queue.
    /// `json` is the spec's canonical encoding (`CanonicalJobSpec`), which intake already made for the hash.
    func createJob(_ spec: JobSpec, json: String, bodyHash: String, at: Date, inline: InlineFanout?) async throws
        -> JobCreation
    func job(id: Int64) async throws -> Job?
    func progress(jobId: Int64) async throws -> JobProgress
    /// Marks the job cancelled and suppresses (reason `cancelled`) what is not yet sending.
    func cancelJob(id: Int64, at: Date) async throws -> Job?
    /// Leases the next job whose fan-out is unfinished and unleased (or whose lease ran out, or is `owner`'s):
    /// highest priority first, and among equals the one whose last batch is oldest (round robin).
    func claimFanout(owner: String, now: Date, leaseUntil: Date) async throws -> Job?
    /// Writes one batch, advances the cursor and moves the job to the back of its priority's turn, atomically.
    /// An unfinished job stays leased to `owner` until `leaseUntil`. Returns false when the lease was lost
    /// or the job was cancelled: the caller stops.
    func writeFanoutBatch(_ batch: FanoutBatch) async throws -> Bool
    /// How many contacts were ever deleted (erased), or nil where the store does not count them. Fan-out reads
    /// it before each page, and `writeFanoutBatch` looks for contacts gone since the read only when it moved; a
    /// claim reads it too (`ClaimDecisions.contactDeletions`), and `recordOutcomes` looks for rows erased in flight
    /// only when it moved.
    func contactDeletions() async throws -> Int64?
    /// A restarted node takes its own work back at once instead of waiting out its leases: sending rows and
    /// fan-outs leased to `owner` (by a process of this node that died) become claimable now.
    func releaseLeases(owner: String, at: Date) async throws
    func policyFacts(for contacts: [Contact], since: Date) async throws -> [String: ContactPolicyFacts]

    // MARK: Deliveries
    /// Leases due deliveries (transactional lane first), asks the policy about each inside the same
    /// transaction, and applies its verdicts; returns them all: `claimed` are those that may be sent now.
    func claimDue(_ request: ClaimRequest) async throws -> ClaimDecisions
    func recordOutcomes(_ outcomes: [DeliveryOutcome], at: Date) async throws
    func deliveries(_ query: DeliveryQuery) async throws -> [Delivery]
    /// A provider receipt moves a sent delivery to delivered or failed.
    func applyReceipt(instance: String, providerMessageId: String, state: DeliveryState, at: Date) async throws -> Bool

    // MARK: Consent ledger and suppressions
    func appendConsent(_ input: ConsentInput, at: Date) async throws -> ConsentEvent
    func consentEvents(contactId: String) async throws -> [ConsentEvent]
    func consentEvents(_ query: ConsentExportQuery) async throws -> [ConsentEvent]
    /// What changed since a claim for messages about to leave, in one read (the last check before a send):
    /// ledger events newer than the claim's `consentWatermark` for these contacts, in ledger order (as the policy
    /// reads them: a store may leave the evidence and the chain hashes out); and which of these jobs are
    /// cancelled, contacts gone and addresses suppressed (`LateStop`). `stopsSince` is the claim's
    /// `stopWatermark`: while the store's count of stops has not moved past it, none is looked up.
    /// The answer's `hold` was taken before the read; until it ends, the store's methods that record a stop
    /// (a revocation, a cancel, an erasure, a suppression) commit but do not return, so a stop acknowledged to
    /// a caller is seen by every send not yet handed to its driver, on any node.
    func lateChanges(
        afterEvent eventId: Int64, stopsSince: Int64?, jobIds: [Int64], contactIds: [String], addresses: [String]
    ) async throws -> LateChanges
    func suppress(addresses: [String], reason: String, at: Date) async throws
}

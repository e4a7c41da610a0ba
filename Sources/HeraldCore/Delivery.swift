import Foundation

public enum DeliveryState: String, Codable, Sendable, CaseIterable {
    case queued, scheduled, sending, sent, delivered, failed, suppressed

    /// A terminal delivery is never picked up again (a receipt may still move sent → delivered/failed).
    public var isTerminal: Bool {
        switch self {
        case .sent, .delivered, .failed, .suppressed: true
        case .queued, .scheduled, .sending: false
        }
    }
}

public enum SuppressionReason: String, Codable, Sendable, CaseIterable {
    case optedOut = "opted_out"
    case noConsent = "no_consent"
    case capped
    case quietHoursExpired = "quiet_hours_expired"
    case noAddress = "no_address"
    case invalidAddress = "invalid_address"
    case noTimezone = "no_timezone"
    case expired
    case cancelled
}

/// One line of a decision trace: which rule looked, what it concluded and why.
///
/// The policy writes a line's variable parts as a `TraceWording`, so a decision builds no text: the line is
/// written once, straight into the stored JSON (`TraceStep.encode`), or spelled out when `detail` is read.
public struct TraceStep: Sendable {
    public var rule: String
    public var outcome: String
    package var wording: TraceWording
    public var consentEventId: Int64?
    public var at: Date?

    public var detail: String {
        get { wording.text }
        set { wording = .text(newValue) }
    }

    public init(rule: String, outcome: String, detail: String, consentEventId: Int64? = nil, at: Date? = nil) {
        self.init(rule: rule, outcome: outcome, wording: .text(detail), consentEventId: consentEventId, at: at)
    }

    package init(rule: String, outcome: String, wording: TraceWording, consentEventId: Int64? = nil, at: Date? = nil) {
        self.rule = rule
        self.outcome = outcome
        self.wording = wording
        self.consentEventId = consentEventId
        self.at = at
    }
}

/// Lines compare and hash by their text, however it is held.
extension TraceStep: Hashable {
    public static func == (left: TraceStep, right: TraceStep) -> Bool {
        left.rule == right.rule && left.outcome == right.outcome && left.consentEventId == right.consentEventId
            && left.at == right.at && left.detail == right.detail
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rule)
        hasher.combine(outcome)
        hasher.combine(detail)
        hasher.combine(consentEventId)
        hasher.combine(at)
    }
}

extension TraceStep: Codable {
    enum CodingKeys: String, CodingKey {
        case rule, outcome, detail, consentEventId, at
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            rule: try container.decode(String.self, forKey: .rule), outcome: try container.decode(String.self, forKey: .outcome),
            detail: try container.decode(String.self, forKey: .detail),
            consentEventId: try container.decodeIfPresent(Int64.self, forKey: .consentEventId),
            at: try container.decodeIfPresent(Date.self, forKey: .at))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(detail, forKey: .detail)
        try container.encodeIfPresent(consentEventId, forKey: .consentEventId)
        try container.encodeIfPresent(at, forKey: .at)
    }
}

public enum AttemptOutcome: String, Codable, Sendable {
    case sent
    case retry
    case permanent
    case invalidAddress = "invalid_address"
    case optedOut = "opted_out"
}

public struct Attempt: Codable, Sendable, Hashable {
    public var number: Int
    public var at: Date
    public var latencyMs: Int
    public var instance: String
    public var outcome: AttemptOutcome
    public var providerMessageId: String?
    public var error: String?

    public init(
        number: Int, at: Date, latencyMs: Int, instance: String, outcome: AttemptOutcome, providerMessageId: String?,
        error: String?
    ) {
        self.number = number
        self.at = at
        self.latencyMs = latencyMs
        self.instance = instance
        self.outcome = outcome
        self.providerMessageId = providerMessageId
        self.error = error
    }
}

public struct Delivery: Codable, Sendable, Hashable {
    public var id: Int64
    public var jobId: Int64
    public var contactId: String
    public var channel: ChannelKind
    public var state: DeliveryState
    public var reason: SuppressionReason?
    public var notBefore: Date?
    public var attemptCount: Int
    public var instance: String?
    public var providerMessageId: String?
    public var smsSegments: Int?
    public var trace: [TraceStep]
    public var attempts: [Attempt]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, jobId: Int64, contactId: String, channel: ChannelKind, state: DeliveryState,
        reason: SuppressionReason? = nil, notBefore: Date? = nil, attemptCount: Int = 0, instance: String? = nil,
        providerMessageId: String? = nil, smsSegments: Int? = nil, trace: [TraceStep] = [], attempts: [Attempt] = [],
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.jobId = jobId
        self.contactId = contactId
        self.channel = channel
        self.state = state
        self.reason = reason
        self.notBefore = notBefore
        self.attemptCount = attemptCount
        self.instance = instance
        self.providerMessageId = providerMessageId
        self.smsSegments = smsSegments
        self.trace = trace
        self.attempts = attempts
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A delivery row fan-out is about to write.
public struct NewDelivery: Sendable, Hashable {
    public var jobId: Int64
    public var contactId: String
    public var channel: ChannelKind
    public var lane: Lane
    /// 0–10, higher first: the order claims take due rows in (the job's `effectivePriority`).
    public var priority: Int
    public var state: DeliveryState
    public var reason: SuppressionReason?
    public var notBefore: Date
    public var trace: [TraceStep]

    /// `lane` and `priority` come from the job, so they can never disagree with it.
    public init(
        job: JobSpec, jobId: Int64, contactId: String, channel: ChannelKind, state: DeliveryState,
        reason: SuppressionReason?, notBefore: Date, trace: [TraceStep]
    ) {
        self.jobId = jobId
        self.contactId = contactId
        self.channel = channel
        self.lane = job.lane
        self.priority = job.effectivePriority
        self.state = state
        self.reason = reason
        self.notBefore = notBefore
        self.trace = trace
    }
}

/// Progress of one job: delivery counts by state and by suppression reason.
public struct JobProgress: Codable, Sendable, Hashable {
    public var byState: [String: Int]
    public var byReason: [String: Int]
    public var total: Int

    public init(byState: [String: Int] = [:], byReason: [String: Int] = [:]) {
        self.byState = byState
        self.byReason = byReason
        self.total = byState.values.reduce(0, +)
    }

    public var pending: Int {
        (byState[DeliveryState.queued.rawValue] ?? 0) + (byState[DeliveryState.scheduled.rawValue] ?? 0)
            + (byState[DeliveryState.sending.rawValue] ?? 0)
    }
}

public struct DeliveryQuery: Sendable, Hashable {
    public var jobId: Int64?
    public var contactId: String?
    public var channel: ChannelKind?
    public var state: DeliveryState?
    public var since: Date?
    /// Exclusive lower bound on delivery id: the cursor of the previous page.
    public var afterId: Int64?
    public var limit: Int

    public init(
        jobId: Int64? = nil, contactId: String? = nil, channel: ChannelKind? = nil, state: DeliveryState? = nil,
        since: Date? = nil, afterId: Int64? = nil, limit: Int = 100
    ) {
        self.jobId = jobId
        self.contactId = contactId
        self.channel = channel
        self.state = state
        self.since = since
        self.afterId = afterId
        self.limit = limit
    }
}

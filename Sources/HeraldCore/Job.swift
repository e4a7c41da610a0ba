import Foundation

public enum Strategy: String, Codable, Sendable {
    /// Send on the first allowed channel; fall back when one is not allowed or fails permanently.
    case first
    /// Send on every listed channel.
    case all
}

public struct Audience: Codable, Sendable, Hashable {
    public var contactIds: [String]?
    public var segment: String?

    public init(contactIds: [String]? = nil, segment: String? = nil) {
        self.contactIds = contactIds
        self.segment = segment
    }
}

/// Each channel's content may carry `locales`: complete variants keyed by BCP 47 tag (`fa`, `pt-BR`), of
/// which a contact's `locale` picks the most specific (see `LocaleMatch`). A variant has no `locales` of its own.
public struct Content: Codable, Sendable, Hashable {
    public struct Email: Codable, Sendable, Hashable {
        public var subject: String
        public var text: String
        public var html: String?
        public var locales: [String: Email]?
        public init(subject: String, text: String, html: String? = nil, locales: [String: Email]? = nil) {
            self.subject = subject
            self.text = text
            self.html = html
            self.locales = locales
        }
    }
    public struct SMS: Codable, Sendable, Hashable {
        public var text: String
        public var locales: [String: SMS]?
        public init(text: String, locales: [String: SMS]? = nil) {
            self.text = text
            self.locales = locales
        }
    }
    public struct Push: Codable, Sendable, Hashable {
        public var title: String
        public var body: String
        public var data: [String: String]?
        public var locales: [String: Push]?
        public init(title: String, body: String, data: [String: String]? = nil, locales: [String: Push]? = nil) {
            self.title = title
            self.body = body
            self.data = data
            self.locales = locales
        }
    }
    public struct Messenger: Codable, Sendable, Hashable {
        public var text: String
        public var locales: [String: Messenger]?
        public init(text: String, locales: [String: Messenger]? = nil) {
            self.text = text
            self.locales = locales
        }
    }

    public var email: Email?
    public var sms: SMS?
    public var push: Push?
    public var messenger: Messenger?

    public init(email: Email? = nil, sms: SMS? = nil, push: Push? = nil, messenger: Messenger? = nil) {
        self.email = email
        self.sms = sms
        self.push = push
        self.messenger = messenger
    }

    public func has(_ kind: ChannelKind) -> Bool {
        switch kind {
        case .email: email != nil
        case .sms: sms != nil
        case .push: push != nil
        case .messenger: messenger != nil
        }
    }
}

/// What an automation engine submits. Stored verbatim (canonically encoded) with the job.
public struct JobSpec: Codable, Sendable, Hashable {
    public var idempotencyKey: String
    public var purpose: Purpose
    public var topic: String?
    public var priority: Int?
    public var audience: Audience
    public var channels: [ChannelKind]
    public var strategy: Strategy?
    public var content: Content
    /// Set when the content came from a stored template: which one, and the version pinned at intake.
    public var template: TemplateRef?
    public var sendAt: Date?
    /// "HH:mm": deliver at the next such wall-clock time in each contact's own zone.
    public var localTime: String?
    public var expiresAt: Date?
    /// A webhook endpoint (by id) that gets this job's events whatever its filter says.
    public var callback: JobCallback?

    public init(
        idempotencyKey: String, purpose: Purpose, topic: String? = nil, priority: Int? = nil, audience: Audience,
        channels: [ChannelKind], strategy: Strategy? = nil, content: Content, sendAt: Date? = nil,
        localTime: String? = nil, expiresAt: Date? = nil, template: TemplateRef? = nil
    ) {
        self.idempotencyKey = idempotencyKey
        self.purpose = purpose
        self.topic = topic
        self.priority = priority
        self.audience = audience
        self.channels = channels
        self.strategy = strategy
        self.content = content
        self.template = template
        self.sendAt = sendAt
        self.localTime = localTime
        self.expiresAt = expiresAt
    }

    public var effectiveStrategy: Strategy { strategy ?? Self.defaultStrategy }
    public var lane: Lane { Lane(purpose: purpose) }
    /// `priority` as sent, else `defaultPriority`.
    public var effectivePriority: Int { priority ?? defaultPriority }

    /// The channel after `kind` in this job's fallback order, if the strategy falls back.
    public func fallback(after kind: ChannelKind) -> ChannelKind? {
        guard effectiveStrategy == .first, let index = channels.firstIndex(of: kind), index + 1 < channels.count
        else { return nil }
        return channels[index + 1]
    }
}

/// Where a job stands in its own life; delivery states are counted separately.
public enum JobStatus: String, Codable, Sendable {
    case accepted  // stored, fan-out not started
    case fanningOut = "fanning_out"
    case active  // fan-out done, deliveries in progress
    case completed
    case cancelled
}

public struct Job: Sendable, Hashable {
    public var id: Int64
    public var spec: JobSpec
    public var bodyHash: String
    public var status: JobStatus
    public var createdAt: Date
    /// Fan-out resumes here after a crash: the last contact id (segment) or list index written.
    public var fanoutCursor: String?
    public var audienceCount: Int

    public init(
        id: Int64, spec: JobSpec, bodyHash: String, status: JobStatus, createdAt: Date, fanoutCursor: String? = nil,
        audienceCount: Int = 0
    ) {
        self.id = id
        self.spec = spec
        self.bodyHash = bodyHash
        self.status = status
        self.createdAt = createdAt
        self.fanoutCursor = fanoutCursor
        self.audienceCount = audienceCount
    }
}

public enum JobCreation: Sendable {
    case created(Job)
    /// Same idempotency key, same body: the caller retried.
    case existing(Job)
    /// Same idempotency key, different body.
    case conflict(existingID: Int64)
}

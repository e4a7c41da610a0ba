import Foundation

/// `template: {id, version?}` in a job: stored content instead of inline `content`. Intake resolves it
/// (`TemplateResolution`) and stores the job with that version's content and the version number pinned.
public struct TemplateRef: Codable, Sendable, Hashable {
    public var id: String
    /// The latest version when omitted at intake; always set on a stored job.
    public var version: Int?

    public init(id: String, version: Int? = nil) {
        self.id = id
        self.version = version
    }

    /// As synthesized, except that a version with a fraction (`1.5`) is the field's fault (`invalid_value`),
    /// not malformed JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        version = try container.decodeWholeNumberIfPresent(forKey: .version)
    }
}

extension JobSpec {
    private enum DecodingKeys: String, CodingKey {
        case idempotencyKey, purpose, topic, priority, audience, channels, strategy, content, template, sendAt
        case localTime, expiresAt, callback
    }

    /// As synthesized, except that `content` may be left out when a `template` is given.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: DecodingKeys.self)
        idempotencyKey = try c.decode(String.self, forKey: .idempotencyKey)
        purpose = try c.decode(Purpose.self, forKey: .purpose)
        topic = try c.decodeIfPresent(String.self, forKey: .topic)
        priority = try c.decodeWholeNumberIfPresent(forKey: .priority)
        audience = try c.decode(Audience.self, forKey: .audience)
        channels = try c.decode([ChannelKind].self, forKey: .channels)
        strategy = try c.decodeIfPresent(Strategy.self, forKey: .strategy)
        template = try c.decodeIfPresent(TemplateRef.self, forKey: .template)
        content =
            template == nil
            ? try c.decode(Content.self, forKey: .content)
            : try c.decodeIfPresent(Content.self, forKey: .content) ?? Content()
        sendAt = try c.decodeIfPresent(Date.self, forKey: .sendAt)
        localTime = try c.decodeIfPresent(String.self, forKey: .localTime)
        expiresAt = try c.decodeIfPresent(Date.self, forKey: .expiresAt)
        callback = try c.decodeIfPresent(JobCallback.self, forKey: .callback)
    }
}

/// `callback: {webhook: ID}` in a job: the configured endpoint that hears about this job.
public struct JobCallback: Codable, Sendable, Hashable {
    public var webhook: String

    public init(webhook: String) {
        self.webhook = webhook
    }
}

extension JobSpec {
    /// `callback.webhook` must name one of the configured endpoints (`endpointIds`).
    public func checkCallback(endpointIds: [String]) throws(HeraldError) {
        guard let name = callback?.webhook, !endpointIds.contains(name) else { return }
        throw HeraldError(
            code: "unknown_webhook", message: "callback.webhook names no configured webhook endpoint",
            field: "callback.webhook")
    }
}

import Foundation

/// A configured status-webhook endpoint (`webhooks:` in the config), resolved: secret read, defaults set.
public struct WebhookEndpoint: Sendable {
    public var id: String
    public var url: String
    public var signer: StandardWebhookSigner
    public var events: Set<WebhookEventType>
    /// Only jobs of these purposes; nil for any. Events of no job (consent, erasure) always pass.
    public var purposes: Set<Purpose>?
    /// Only these channel kinds; nil for any. A consent event for all channels (`*`) always passes.
    public var channels: Set<String>?
    /// Only jobs that name this endpoint in `callback`.
    public var callbackOnly: Bool
    /// Events per POST.
    public var batch: Int
    public var timeout: TimeInterval
    /// How long an event is retried before it is parked.
    public var retryHorizon: TimeInterval
    public var backoffInitial: TimeInterval
    public var backoffMax: TimeInterval
    public var breakerCooldown: TimeInterval

    public init(
        id: String, url: String, signer: StandardWebhookSigner, events: Set<WebhookEventType> = Set(WebhookEventType.allCases),
        purposes: Set<Purpose>? = nil, channels: Set<String>? = nil, callbackOnly: Bool = false, batch: Int = 100,
        timeout: TimeInterval = 10, retryHorizon: TimeInterval = 86_400, backoffInitial: TimeInterval = 5,
        backoffMax: TimeInterval = 3_600, breakerCooldown: TimeInterval = 30
    ) {
        self.id = id
        self.url = url
        self.signer = signer
        self.events = events
        self.purposes = purposes
        self.channels = channels
        self.callbackOnly = callbackOnly
        self.batch = batch
        self.timeout = timeout
        self.retryHorizon = retryHorizon
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
        self.breakerCooldown = breakerCooldown
    }

    /// Whether this endpoint gets `event`; `job` is the event's job when it has one.
    public func wants(_ event: WebhookEventRecord, job: JobSpec?) -> Bool {
        guard events.contains(event.type) else { return false }
        if let job, job.callback?.webhook == id { return true }
        if callbackOnly { return false }
        if let purposes, let job, !purposes.contains(job.purpose) { return false }
        if let channels, let channel = event.channel, channel != "*", !channels.contains(channel) { return false }
        return true
    }

    /// The URL without its query (which may carry a token), for lists and logs.
    public var displayURL: String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }
}

import Foundation
import HeraldCore
import HeraldEngine

/// Everything the HTTP layer needs from the rest of the daemon.
public struct APIDependencies: Sendable {
    public var store: any Store
    /// Stored templates (`/v1/templates`, jobs with `template`); nil answers those with 501.
    public var templates: (any TemplateStore)?
    /// Woken when a job is accepted, so fan-out starts at once.
    public var fanoutSignal: WorkSignal
    public var smsMaxSegments: Int
    public var unsubscribeSecret: [UInt8]
    /// Where `/u/{token}` links point, for `{{unsubscribe_url}}` in render previews.
    public var publicBaseURL = "http://127.0.0.1:8025"
    /// Declared topics: jobs must name one once any is declared; the preference page lists them.
    public var topics = TopicCatalog.none
    /// Signs and checks `/p/{token}` preference links; nil: the preference page answers 404.
    public var preferenceKeys: PreferenceKeys?
    /// Parses provider posts to `/v1/inbound/{channel_id}`; nil when no channel accepts inbound traffic.
    public var inbound: (any InboundHandling)?
    /// Whether the daemon is ready for traffic (store reachable, etc.), with a reason when not.
    public var readiness: @Sendable () async -> (ready: Bool, detail: [String: String])
    public var metrics: @Sendable () async -> String
    public var now: @Sendable () -> Date
    /// Metrics, live tail, dashboard and access audit; each part is optional.
    public var ops = OpsDependencies()
    /// Small jobs are fanned out at intake with this (nil: every job goes through the fan-out queue).
    public var inlineFanout: InlineFanout?
    /// Woken when intake wrote deliveries itself, so they are claimed at once.
    public var dispatchSignal: WorkSignal?
    /// Told when an express job was accepted, so bulk work takes smaller bites of the writer at once.
    public var expressTraffic: ExpressTraffic?
    /// The dispatcher's compiled templates: a new job's, compiled to validate it, go straight in.
    public var contents: ContentCache?
    /// `rights:` settings for `DELETE /v1/contacts/{id}`.
    public var erasure = ErasureSettings()
    /// Checks ledger checkpoints (`/v1/audit/verify`) and is listed with them; nil: no checkpoints signed.
    public var checkpointKey: CheckpointPublicKey?
    /// Status webhooks (`/v1/webhooks`, job `callback`); nil when none is configured.
    public var webhooks: WebhookAPI?
    /// Jobs' counts by state, recounted at a pace their cost allows.
    public var progressCounts = JobProgressCounts()

    public init(
        store: any Store, templates: (any TemplateStore)? = nil, fanoutSignal: WorkSignal, smsMaxSegments: Int = 10,
        unsubscribeSecret: [UInt8], inbound: (any InboundHandling)? = nil,
        readiness: @escaping @Sendable () async -> (ready: Bool, detail: [String: String]) = { (true, [:]) },
        metrics: @escaping @Sendable () async -> String = { "" }, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.templates = templates
        self.fanoutSignal = fanoutSignal
        self.smsMaxSegments = smsMaxSegments
        self.unsubscribeSecret = unsubscribeSecret
        self.inbound = inbound
        self.readiness = readiness
        self.metrics = metrics
        self.now = now
    }
}

/// What an inbound provider post turned out to be.
public enum InboundAction: Sendable, Hashable {
    case receipt(providerMessageId: String, state: DeliveryState)
    /// A reply from a phone (SMS MO): STOP-style replies become opt-outs.
    case reply(from: String, text: String)
    case ignored
    /// The provider is checking the callback URL (Meta's `hub.challenge`): answer with this text alone.
    case challenge(String)
    /// An email channel's post: the bounces and complaints it held (none for an auto-reply or a delivery
    /// notice), and when soft bounces suppress.
    case emailReport([EmailFeedback], rule: SoftBounceRule)
    /// An ESP's subscription handshake (SNS SubscriptionConfirmation) was answered.
    case subscriptionConfirmed
}

public protocol InboundHandling: Sendable {
    /// What can be checked before the body is read: throws 404 for an unknown channel and 401/403 for a
    /// missing or wrong shared secret. (Signatures cover the body: `parse` checks them.)
    func admit(channelId: String, headers: [String: String], query: String?) throws

    /// Throws `HeraldError` 404 for an unknown channel, 401/403 for a bad secret or signature.
    /// Header names arrive lowercased (HTTP/2 canonical form), e.g. `content-type`.
    func parse(
        channelId: String, headers: [String: String], query: String?, body: Data
    ) async throws -> [InboundAction]
}

extension InboundHandling {
    /// Handlers that can only judge a request with its body admit everything here.
    public func admit(channelId: String, headers: [String: String], query: String?) throws {}
}

import Foundation

/// An event an endpoint could not get: retried with backoff (`failed`) until the retry horizon, then kept
/// for people to look at and replay (`parked`).
public struct WebhookRetry: Sendable, Hashable {
    public enum Status: String, Codable, Sendable, CaseIterable { case failed, parked }

    public var eventId: Int64
    public var status: Status
    public var attempts: Int
    public var firstFailedAt: Date
    public var nextAt: Date
    public var lastError: String?

    public init(eventId: Int64, status: Status, attempts: Int, firstFailedAt: Date, nextAt: Date, lastError: String?) {
        self.eventId = eventId
        self.status = status
        self.attempts = attempts
        self.firstFailedAt = firstFailedAt
        self.nextAt = nextAt
        self.lastError = lastError
    }
}

/// What the store knows about one endpoint's progress.
public struct WebhookEndpointProgress: Sendable, Hashable {
    public var position: WebhookLogPosition
    /// Events in the log after the cursor (any type; capped by the store at `lagCap`).
    public var lag: Int
    public var failed: Int
    public var parked: Int
    public var lastError: String?
    public var lastErrorAt: Date?
    public var lastSuccessAt: Date?

    public init(
        position: WebhookLogPosition = .start, lag: Int = 0, failed: Int = 0, parked: Int = 0, lastError: String? = nil,
        lastErrorAt: Date? = nil, lastSuccessAt: Date? = nil
    ) {
        self.position = position
        self.lag = lag
        self.failed = failed
        self.parked = parked
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.lastSuccessAt = lastSuccessAt
    }

    public static let lagCap = 1_000_000
}

/// The webhook outbox (SPEC §8). Events are written by the store itself, in the transaction of the state
/// change they report, for the types `installWebhookEvents` was given and no others: with no endpoint
/// configured no write pays anything. Each endpoint reads the log through its own cursor, under a lease
/// so that one node at a time sends to it, and keeps what failed in its own retry table.
public protocol WebhookOutboxStore: Sendable {
    /// Makes the store record exactly these event types from now on (idempotent; every node installs the
    /// same set from the same configuration) and gives each new endpoint a cursor at the current end of the
    /// log, in the same transaction, so it gets every event recorded after it was configured.
    func installWebhookEvents(_ types: Set<WebhookEventType>, endpoints: [String]) async throws

    /// Takes (or renews) the endpoint's lease for `owner`; nil while another owner's lease runs.
    /// Returns the endpoint's cursor; nil also for an endpoint never installed.
    func leaseWebhookEndpoint(_ endpoint: String, owner: String, now: Date, leaseUntil: Date) async throws
        -> WebhookLogPosition?

    /// Committed events after `position`, in log order.
    func webhookEvents(after position: WebhookLogPosition, limit: Int) async throws -> [WebhookEventRecord]
    func webhookEvents(ids: [Int64]) async throws -> [WebhookEventRecord]
    /// Events that happened in [from, until), by id after `afterId`: what a replay by time range re-sends.
    func webhookEvents(from: Date, until: Date, afterId: Int64, limit: Int) async throws -> [WebhookEventRecord]

    /// Moves the cursor to `position` and records `failed` rows, in one transaction, only while `owner`
    /// holds the lease (false otherwise). `error` nil records a success.
    func advanceWebhookCursor(
        _ endpoint: String, owner: String, to position: WebhookLogPosition, failed: [WebhookRetry], error: String?,
        at: Date
    ) async throws -> Bool

    /// `failed` rows due at `now`, oldest event first.
    func dueWebhookRetries(_ endpoint: String, now: Date, limit: Int) async throws -> [WebhookRetry]
    /// Deletes the retries that went through and rewrites the others (attempts, next time, parked), only
    /// while `owner` holds the lease.
    func settleWebhookRetries(
        _ endpoint: String, owner: String, delivered: [Int64], retried: [WebhookRetry], error: String?, at: Date
    ) async throws -> Bool

    /// Retry rows of one status, by event id after `afterEventId`.
    func webhookRetries(_ endpoint: String, status: WebhookRetry.Status, afterEventId: Int64, limit: Int) async throws
        -> [WebhookRetry]
    /// Queues these events for the endpoint again now (a parked or already delivered event alike).
    func replayWebhookEvents(_ endpoint: String, eventIds: [Int64], at: Date) async throws -> Int
    func webhookProgress(_ endpoint: String) async throws -> WebhookEndpointProgress
    /// Deletes an endpoint's cursor and retry rows (`herald webhooks forget`): an endpoint taken out of the
    /// configuration otherwise holds back pruning of the log behind its cursor. False when it had neither.
    func forgetWebhookEndpoint(_ endpoint: String) async throws -> Bool
}

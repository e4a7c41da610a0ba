import Foundation

/// How long the delivery log, the webhook event log and the bounce log keep each part (`retention:`); nil keeps
/// it forever.
public struct RetentionPolicy: Sendable, Hashable {
    public var deliveries: TimeInterval?
    public var attempts: TimeInterval?
    public var traces: TimeInterval?
    public var webhookEvents: TimeInterval?
    /// Bounce reports, which name the address they were about.
    public var bounces: TimeInterval?
    /// Rows per transaction: small, so sending never waits long on the writer.
    public var batchSize: Int

    public init(
        deliveries: TimeInterval? = nil, attempts: TimeInterval? = nil, traces: TimeInterval? = nil,
        webhookEvents: TimeInterval? = nil, bounces: TimeInterval? = nil, batchSize: Int = 500
    ) {
        self.deliveries = deliveries
        self.attempts = attempts
        self.traces = traces
        self.webhookEvents = webhookEvents
        self.bounces = bounces
        self.batchSize = batchSize
    }

    public var isEmpty: Bool {
        deliveries == nil && attempts == nil && traces == nil && webhookEvents == nil && bounces == nil
    }
}

/// Pruning of the delivery log and the webhook event log. A protocol of its own so `Store` stays as it is;
/// both backends conform.
/// Only finished deliveries (sent, delivered, failed, suppressed) are touched; the consent ledger never is.
public protocol RetentionStore: Sendable {
    /// Deletes up to `limit` attempts made before `cutoff`; returns how many.
    func pruneAttempts(before cutoff: Date, limit: Int) async throws -> Int
    /// Empties the decision traces of up to `limit` finished deliveries last changed before `cutoff`.
    func pruneTraces(before cutoff: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` finished deliveries last changed before `cutoff`, with their attempts and send-log
    /// lines, once their job's fan-out is over; their counts move to the job's pruned counts, so its progress
    /// still adds up.
    func pruneDeliveries(before cutoff: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` webhook events recorded before `cutoff` that every endpoint's cursor has passed
    /// and no retry row names (a failed or parked event is still wanted); returns how many.
    func pruneWebhookEvents(before cutoff: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` bounce reports logged before `cutoff`; returns how many.
    func pruneBounces(before cutoff: Date, limit: Int) async throws -> Int
}

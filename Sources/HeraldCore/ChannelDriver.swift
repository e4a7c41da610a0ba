import Foundation

/// Content after template rendering, per kind.
public enum RenderedContent: Sendable, Hashable {
    case email(subject: String, text: String, html: String?)
    case sms(text: String)
    case push(title: String, body: String, data: [String: String])
    case messenger(text: String)
}

public struct OutboundMessage: Sendable {
    public var deliveryId: Int64
    public var jobId: Int64
    public var contactId: String
    public var channel: ChannelKind
    public var purpose: Purpose
    public var topic: String?
    /// Every address of this kind the contact has (one email, one phone, several push tokens…).
    public var addresses: [String]
    public var content: RenderedContent
    /// RFC 8058 one-click URL for marketing mail.
    public var unsubscribeURL: String?
    /// Passed to providers that de-duplicate, so a resend after a crash is not a second message.
    public var idempotencyKey: String
    public var attempt: Int
    /// Goes ahead of messages already waiting in the driver's queue (priority at least
    /// `engine.express_priority`): an OTP does not wait for a campaign's batch to drain.
    public var urgent: Bool

    public init(
        deliveryId: Int64, jobId: Int64, contactId: String, channel: ChannelKind, purpose: Purpose, topic: String?,
        addresses: [String], content: RenderedContent, unsubscribeURL: String?, idempotencyKey: String, attempt: Int,
        urgent: Bool = false
    ) {
        self.deliveryId = deliveryId
        self.jobId = jobId
        self.contactId = contactId
        self.channel = channel
        self.purpose = purpose
        self.topic = topic
        self.addresses = addresses
        self.content = content
        self.unsubscribeURL = unsubscribeURL
        self.idempotencyKey = idempotencyKey
        self.attempt = attempt
        self.urgent = urgent
    }
}

public struct SendResult: Sendable, Hashable {
    public var outcome: AttemptOutcome
    public var providerMessageId: String?
    /// A provider's Retry-After, when it gave one.
    public var retryAfter: TimeInterval?
    /// A short, redacted reason: never the body or a full address.
    public var error: String?
    public var invalidAddresses: [String]
    public var smsSegments: Int?
    /// How long the provider took, when the driver timed the request itself (a batch sends many
    /// messages in one call, so the caller's clock cannot tell them apart).
    public var latency: Duration?

    public init(
        outcome: AttemptOutcome, providerMessageId: String? = nil, retryAfter: TimeInterval? = nil,
        error: String? = nil, invalidAddresses: [String] = [], smsSegments: Int? = nil, latency: Duration? = nil
    ) {
        self.outcome = outcome
        self.providerMessageId = providerMessageId
        self.retryAfter = retryAfter
        self.error = error
        self.invalidAddresses = invalidAddresses
        self.smsSegments = smsSegments
        self.latency = latency
    }

    public static func sent(id: String?) -> SendResult { SendResult(outcome: .sent, providerMessageId: id) }
}

public struct ChannelCheck: Sendable, Hashable {
    public var instance: String
    public var ok: Bool
    public var detail: String

    public init(instance: String, ok: Bool, detail: String) {
        self.instance = instance
        self.ok = ok
        self.detail = detail
    }
}

/// One configured channel instance. Drivers classify their own failures; they never throw from `send`.
public protocol ChannelDriver: Sendable {
    var id: String { get }
    var kind: ChannelKind { get }
    /// Whether this instance can reach this address (e.g. a Telegram bot handles `telegram:` addresses only).
    func handles(address: String) -> Bool
    func send(_ message: OutboundMessage) async -> SendResult
    /// Sends `batch` with at most `concurrency` messages in flight; results in the order given.
    /// A driver whose transport can take many requests in one hand-off overrides this; the default
    /// runs `send` in a task group.
    func send(batch: [OutboundMessage], concurrency: Int) async -> [SendResult]
    /// True when the driver's own connection pool keeps at most the instance's concurrency in flight,
    /// however many batches it is given at once; the dispatcher then hands it whole batches (paced by
    /// the rate limit) instead of one message per slot.
    var capsOwnConcurrency: Bool { get }
    func check() async -> ChannelCheck
    func shutdown() async
}

extension ChannelDriver {
    public func handles(address: String) -> Bool { true }
    public func shutdown() async {}
    public var capsOwnConcurrency: Bool { false }

    public func send(batch: [OutboundMessage], concurrency: Int) async -> [SendResult] {
        await sendEach(batch, concurrency: concurrency)
    }

    /// `send` for each message, at most `concurrency` at once, in a task group; results in order, each
    /// with its latency.
    public func sendEach(_ batch: [OutboundMessage], concurrency: Int) async -> [SendResult] {
        await withTaskGroup(of: (Int, SendResult).self, returning: [SendResult].self) { group in
            var results = [SendResult?](repeating: nil, count: batch.count)
            var next = 0
            func startNext() {
                let (index, message) = (next, batch[next])
                group.addTask {
                    let started = ContinuousClock.now
                    var result = await self.send(message)
                    result.latency = result.latency ?? ContinuousClock.now - started
                    return (index, result)
                }
                next += 1
            }
            while next < min(max(concurrency, 1), batch.count) { startNext() }
            for await (index, result) in group {
                results[index] = result
                if next < batch.count { startNext() }
            }
            return results.map { $0! }
        }
    }
}

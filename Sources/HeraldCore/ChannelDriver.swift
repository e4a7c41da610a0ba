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

    public init(
        deliveryId: Int64, jobId: Int64, contactId: String, channel: ChannelKind, purpose: Purpose, topic: String?,
        addresses: [String], content: RenderedContent, unsubscribeURL: String?, idempotencyKey: String, attempt: Int
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

    public init(
        outcome: AttemptOutcome, providerMessageId: String? = nil, retryAfter: TimeInterval? = nil,
        error: String? = nil, invalidAddresses: [String] = [], smsSegments: Int? = nil
    ) {
        self.outcome = outcome
        self.providerMessageId = providerMessageId
        self.retryAfter = retryAfter
        self.error = error
        self.invalidAddresses = invalidAddresses
        self.smsSegments = smsSegments
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
    func check() async -> ChannelCheck
    func shutdown() async
}

extension ChannelDriver {
    public func handles(address: String) -> Bool { true }
    public func shutdown() async {}
}

import Foundation

/// The delivery a bounce or complaint is about, as far as matching needs it.
public struct BouncedDelivery: Sendable, Hashable {
    public var deliveryId: Int64
    public var contactId: String
    public var channel: ChannelKind
    /// The channel instance that sent it (nil when it never reached one).
    public var instance: String?
    public var state: DeliveryState

    public init(deliveryId: Int64, contactId: String, channel: ChannelKind, instance: String?, state: DeliveryState) {
        self.deliveryId = deliveryId
        self.contactId = contactId
        self.channel = channel
        self.instance = instance
        self.state = state
    }
}

/// A bounce to record against an address (and its delivery, when matched).
public struct BounceRecord: Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable { case hard, soft }

    public var kind: Kind
    public var address: String
    public var deliveryId: Int64?
    /// Enhanced status code, e.g. `5.1.1`; kept in the attempt log and the suppression note.
    public var status: String?
    /// `dsn` or the ESP profile id.
    public var source: String
    /// The contact the matched delivery (`deliveryId`) belonged to when it was matched. If the delivery no longer
    /// belongs to it when the bounce is written (an erasure moved it to the tombstone meanwhile), nothing is
    /// recorded: the address would come back in plain text.
    public var contactId: String?

    public init(
        kind: Kind, address: String, deliveryId: Int64? = nil, status: String? = nil, source: String, contactId: String? = nil
    ) {
        self.kind = kind
        self.address = address
        self.deliveryId = deliveryId
        self.status = status
        self.source = source
        self.contactId = contactId
    }
}

/// When soft bounces add up to a suppression: `threshold` of them within `window` (default 3 in 7 days).
/// Each delivery counts once however often its soft bounce is reported; unmatched reports count one each.
public struct SoftBounceRule: Sendable, Hashable {
    public var threshold: Int
    public var window: TimeInterval

    public static let standard = SoftBounceRule(threshold: 3, window: 7 * 86_400)

    public init(threshold: Int, window: TimeInterval) {
        self.threshold = threshold
        self.window = window
    }
}

/// What recording a bounce changed.
public struct BounceResult: Sendable, Hashable {
    /// The delivery moved to `failed` (a hard bounce of a delivery that was sent or delivered).
    public var deliveryFailed: Bool
    /// The address is on the suppression list now because of this bounce (false if it already was).
    public var suppressed: Bool
    /// Soft bounces of this address within the rule's window, this one included, one per delivery (0 for a
    /// hard bounce).
    public var softBounces: Int
    /// The bounce's delivery was erased before it could be written: nothing was recorded.
    public var erased: Bool

    public init(deliveryFailed: Bool, suppressed: Bool, softBounces: Int, erased: Bool = false) {
        self.deliveryFailed = deliveryFailed
        self.suppressed = suppressed
        self.softBounces = softBounces
        self.erased = erased
    }

    public static let erasedContact = BounceResult(deliveryFailed: false, suppressed: false, softBounces: 0, erased: true)
}

/// One line of the bounce log: what a report said about an address, kept for counting soft bounces and for
/// a person's access export.
public struct BounceReport: Codable, Sendable, Hashable {
    public var address: String
    public var kind: BounceRecord.Kind
    public var deliveryId: Int64?
    public var status: String?
    public var source: String
    public var at: Date

    public init(address: String, kind: BounceRecord.Kind, deliveryId: Int64?, status: String?, source: String, at: Date) {
        self.address = address
        self.kind = kind
        self.deliveryId = deliveryId
        self.status = status
        self.source = source
        self.at = at
    }
}

/// Bounces in: a protocol of its own so `Store` stays as it is; both backends conform.
public protocol BounceStore: Sendable {
    func bouncedDelivery(id: Int64) async throws -> BouncedDelivery?
    /// The delivery this instance sent with this Message-ID (its provider message id), if any.
    func bouncedDelivery(instance: String, messageId: String) async throws -> BouncedDelivery?
    /// In one transaction: the bounce joins the address's bounce log; a hard bounce fails its delivery (with an
    /// attempt line saying why) and suppresses the address (reason `bounce`); a soft bounce suppresses it
    /// (reason `soft_bounce`) once `rule.threshold` soft bounces fall within `rule.window`. Suppressions
    /// are written with their history line (actor `bounce:<source>`).
    /// A bounce whose delivery names another contact than its `contactId` when the transaction reads it (an erasure
    /// moved it to its tombstone) writes nothing (`erased`); one whose delivery was pruned since is recorded; on PostgreSQL the read locks the delivery's row, which an erasure updates before it deletes the
    /// person's suppressions and bounce reports, so the two cannot interleave.
    func recordBounce(_ bounce: BounceRecord, rule: SoftBounceRule, at: Date) async throws -> BounceResult
    /// The bounce log's lines for these addresses, oldest first.
    func bounceReports(addresses: [String]) async throws -> [BounceReport]
}

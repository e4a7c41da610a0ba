/// One bounce or complaint about one recipient, as a DSN, an ARF report or an ESP event describes it,
/// with what can match it to the delivery it is about. Built by the parsers, acted on by the inbound route.
public struct EmailFeedback: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Permanent failure (5.x.x): the address is suppressed and the delivery fails.
        case hardBounce = "hard_bounce"
        /// Temporary failure (4.x.x): counts toward the soft-bounce threshold.
        case softBounce = "soft_bounce"
        /// A spam report: a revocation in the consent ledger.
        case complaint
    }

    public var kind: Kind
    /// The recipient the report names (Final-Recipient, the ESP's recipient field), if any.
    public var recipient: String?
    /// Enhanced status code (`5.1.1`) or the feedback type (`abuse`).
    public var status: String?
    /// Where it came from: `dsn`, `arf`, or the ESP profile id.
    public var source: String
    /// The delivery named by a VERP address whose MAC checked out.
    public var deliveryId: Int64?
    /// A VERP address was present but its MAC was wrong.
    public var forgedToken: Bool
    /// Message-IDs (without `<>`) of the original message, to match when no VERP address did.
    public var messageIds: [String]
    /// The provider authenticated the report (a signed or secret ESP webhook) and speaks for the address
    /// itself: an unmatched report still suppresses the recipient. A raw DSN does not.
    public var vouchesForRecipient: Bool

    public init(
        kind: Kind, recipient: String? = nil, status: String? = nil, source: String, deliveryId: Int64? = nil,
        forgedToken: Bool = false, messageIds: [String] = [], vouchesForRecipient: Bool = false
    ) {
        self.kind = kind
        self.recipient = recipient
        self.status = status
        self.source = source
        self.deliveryId = deliveryId
        self.forgedToken = forgedToken
        self.messageIds = messageIds
        self.vouchesForRecipient = vouchesForRecipient
    }
}

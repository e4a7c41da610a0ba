import Foundation

/// Where the consent chain stood at one moment: how many events, and the last one's id and hash.
public struct LedgerHead: Sendable, Hashable {
    public var events: Int
    public var headEventId: Int64
    public var headHash: String

    public init(events: Int, headEventId: Int64, headHash: String) {
        self.events = events
        self.headEventId = headEventId
        self.headHash = headHash
    }
}

/// A signed statement "the ledger held `events` events ending in `headHash` at `signedAt`". Kept in the
/// store and by outside witnesses: a chain that no longer reaches a checkpoint has lost its tail.
public struct LedgerCheckpoint: Codable, Sendable, Hashable {
    /// The store's own numbering (paging); 0 before it is stored. Not signed: a witness's copy has its own.
    public var id: Int64
    public var events: Int
    public var headEventId: Int64
    public var headHash: String
    public var signedAt: Date
    /// Names the Ed25519 key that signed (see `CheckpointKey.id`).
    public var keyId: String
    /// Base64 Ed25519 signature over `signedMessage`.
    public var signature: String

    public init(
        id: Int64 = 0, events: Int, headEventId: Int64, headHash: String, signedAt: Date, keyId: String,
        signature: String
    ) {
        self.id = id
        self.events = events
        self.headEventId = headEventId
        self.headHash = headHash
        self.signedAt = signedAt.truncatedToMilliseconds
        self.keyId = keyId
        self.signature = signature
    }

    public var head: LedgerHead { LedgerHead(events: events, headEventId: headEventId, headHash: headHash) }

    /// The exact bytes signed: a fixed, versioned text so any Ed25519 tool can check a checkpoint.
    public static func signedMessage(_ head: LedgerHead, signedAt: Date) -> [UInt8] {
        let text = "herald-ledger-checkpoint-v1\n\(head.events)\n\(head.headEventId)\n\(head.headHash)\n\(signedAt.millisecondsSince1970)"
        return Array(text.utf8)
    }

    public var signedMessage: [UInt8] { Self.signedMessage(head, signedAt: signedAt) }
}

extension LedgerCheckpoint {
    enum CodingKeys: String, CodingKey {
        case id, events, headEventId, headHash, signedAt, keyId, signature
    }

    /// `signed_at` is written with its exact millisecond (it is signed); `id` may be absent from a copy
    /// kept elsewhere.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .signedAt)
        guard let signedAt = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .signedAt, in: container, debugDescription: "expected an RFC 3339 timestamp")
        }
        self.init(
            id: try container.decodeIfPresent(Int64.self, forKey: .id) ?? 0,
            events: try container.decode(Int.self, forKey: .events),
            headEventId: try container.decode(Int64.self, forKey: .headEventId),
            headHash: try container.decode(String.self, forKey: .headHash), signedAt: signedAt,
            keyId: try container.decode(String.self, forKey: .keyId),
            signature: try container.decode(String.self, forKey: .signature))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(events, forKey: .events)
        try container.encode(headEventId, forKey: .headEventId)
        try container.encode(headHash, forKey: .headHash)
        try container.encode(Timestamp.formatMilliseconds(signedAt), forKey: .signedAt)
        try container.encode(keyId, forKey: .keyId)
        try container.encode(signature, forKey: .signature)
    }
}

import Crypto
import Foundation

public enum ConsentStatus: String, Codable, Sendable {
    case granted, revoked
}

/// A consent event as a caller submits it; the ledger adds id, recorded_at and the hash chain.
public struct ConsentInput: Codable, Sendable, Hashable {
    public var contactId: String
    /// A channel kind, or "*" for every channel.
    public var channel: String
    /// A marketing topic, or "*" for all marketing.
    public var topic: String
    public var status: ConsentStatus
    public var source: String
    public var evidence: JSONValue?
    public var actor: String?
    public var occurredAt: Date

    public init(
        contactId: String, channel: String, topic: String = "*", status: ConsentStatus, source: String,
        evidence: JSONValue? = nil, actor: String? = nil, occurredAt: Date
    ) {
        self.contactId = contactId
        self.channel = channel
        self.topic = topic
        self.status = status
        self.source = source
        self.evidence = evidence
        self.actor = actor
        self.occurredAt = occurredAt
    }

    /// Whether this event speaks about `kind` (its own kind or every channel).
    public func covers(_ kind: ChannelKind) -> Bool { channel == "*" || channel == kind.rawValue }
}

public struct ConsentEvent: Codable, Sendable, Hashable {
    public var id: Int64
    public var contactId: String
    public var channel: String
    public var topic: String
    public var status: ConsentStatus
    public var source: String
    public var evidence: JSONValue?
    public var actor: String?
    public var occurredAt: Date
    public var recordedAt: Date
    public var prevHash: String
    public var hash: String
    /// Nil for events hashed in clear (written before digest hashing); see `ConsentSeal`.
    public var seal: ConsentSeal?

    /// A new event: sealed with digests of its personal fields, and its hash computed here.
    public init(id: Int64, input: ConsentInput, recordedAt: Date, prevHash: String) {
        self.init(
            id: id, input: input, recordedAt: recordedAt, prevHash: prevHash, storedHash: "",
            seal: ConsentSeal.make(contactId: input.contactId, evidence: input.evidence))
        self.hash = ConsentChain.hash(of: self)
    }

    /// An event read back from a store, with the hash the store kept: verification recomputes and compares
    /// it; reading never does (a fan-out reads a million of these).
    public init(
        id: Int64, input: ConsentInput, recordedAt: Date, prevHash: String, storedHash: String,
        seal: ConsentSeal? = nil
    ) {
        self.id = id
        self.seal = seal
        self.contactId = input.contactId
        self.channel = input.channel
        self.topic = input.topic
        self.status = input.status
        self.source = input.source
        self.evidence = input.evidence
        self.actor = input.actor
        self.occurredAt = input.occurredAt.truncatedToMilliseconds
        self.recordedAt = recordedAt.truncatedToMilliseconds
        self.prevHash = prevHash
        self.hash = storedHash
    }

    public var input: ConsentInput {
        ConsentInput(
            contactId: contactId, channel: channel, topic: topic, status: status, source: source, evidence: evidence,
            actor: actor, occurredAt: occurredAt)
    }
}

/// The tamper-evident chain: each event's hash covers its canonical form and its predecessor's hash.
public enum ConsentChain {
    public static let genesis = String(repeating: "0", count: 64)

    private struct Canonical: Encodable {
        var id: Int64
        var contactId: String
        var channel: String
        var topic: String
        var status: ConsentStatus
        var source: String
        var evidence: JSONValue?
        var actor: String?
        var occurredAt: Date
        var recordedAt: Date
    }

    /// The hash the event's content and predecessor give; a sealed legacy event can only keep its stored one.
    public static func hash(of event: ConsentEvent) -> String {
        guard let seal = event.seal else { return clearHash(of: event) }
        guard seal.version == ConsentSeal.digestVersion else { return event.hash }
        return digestHash(of: event, seal: seal)
    }

    private static func clearHash(of event: ConsentEvent) -> String {
        let canonical = Canonical(
            id: event.id, contactId: event.contactId, channel: event.channel, topic: event.topic, status: event.status,
            source: event.source, evidence: event.evidence, actor: event.actor, occurredAt: event.occurredAt,
            recordedAt: event.recordedAt)
        return chained(canonical, prevHash: event.prevHash)
    }

    static func chained(_ canonical: some Encodable, prevHash: String) -> String {
        var bytes = (try? HeraldJSON.encoder().encode(canonical)) ?? Data()
        bytes.append(contentsOf: Array(prevHash.utf8))
        return Hex.string(SHA256.hash(data: bytes))
    }
}

extension Date {
    /// Stores keep milliseconds; hashing and comparisons use the same precision. Rounded to the nearest
    /// millisecond, not down: a date read back from a store (ms / 1000 in binary) can sit a hair below its
    /// millisecond, and flooring would move it one millisecond on every round trip — and break the hash chain.
    public var truncatedToMilliseconds: Date { Date(milliseconds: millisecondsSince1970) }

    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    public init(milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

extension ConsentEvent {
    /// The ledger columns the policy reads, in the order both stores decode them by position: no evidence, no
    /// seal and no chain hashes (the events read so carry empty ones). Fan-out and every claim read one event per
    /// contact they decide for; two 64-character hashes each were most of the bytes.
    public static let policyColumns =
        "id, contact_id, channel, topic, status, source, actor, occurred_at, recorded_at"
}

import Foundation

/// What a bulk consent import appended to the ledger.
public struct ConsentImportResult: Codable, Sendable, Hashable {
    public var imported: Int
    public var firstId: Int64?
    public var lastId: Int64?
    /// The chain's head after the import.
    public var headHash: String

    public init(imported: Int, firstId: Int64?, lastId: Int64?, headHash: String) {
        self.imported = imported
        self.firstId = firstId
        self.lastId = lastId
        self.headHash = headHash
    }
}

/// Bulk appends to the consent ledger. A protocol of its own so `Store` stays as it is; both backends conform.
public protocol ConsentImportStore: Sendable {
    /// Appends every event, in the order given, to the end of the hash chain in one transaction: all of them
    /// or none. Each keeps its own `occurred_at`, evidence and actor; all share `recorded_at = at`.
    /// `progress` hears how many are written so far (from inside the transaction, so before the commit).
    func importConsents(
        _ inputs: [ConsentInput], at: Date, progress: (@Sendable (Int) -> Void)?
    ) async throws -> ConsentImportResult
    /// Revocations a recipient made through a message (a spam report, a provider's "blocked" answer), appended in
    /// one transaction, but only those whose delivery still belongs to the input's contact: an erasure moves its
    /// contact's deliveries to the tombstone, so none lands under an erased id, even one re-created since. Returns
    /// the events appended.
    func recordDeliveryRevocations(_ revocations: [DeliveryRevocation], at: Date) async throws -> [ConsentEvent]
}

/// A revocation reported about one delivery (`ConsentImportStore.recordDeliveryRevocations`).
public struct DeliveryRevocation: Sendable {
    public var deliveryId: Int64
    public var input: ConsentInput

    public init(deliveryId: Int64, input: ConsentInput) {
        self.deliveryId = deliveryId
        self.input = input
    }

    /// Each revocation's evidence as stored (JSON text), after checking the input can be stored at all.
    public static func storedEvidence(of revocations: [DeliveryRevocation]) throws -> [String?] {
        let encoder = HeraldJSON.encoder()
        return try revocations.map { revocation in
            try revocation.input.checkStorable()
            return try revocation.input.evidence.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        }
    }
}

extension ConsentChain {
    /// The events `inputs` become when appended after `head` (id and hash of the ledger's last event, if any).
    public static func extend(
        after head: (id: Int64, hash: String)?, with inputs: [ConsentInput], recordedAt: Date
    ) -> [ConsentEvent] {
        var nextId = (head?.id ?? 0) + 1
        var prevHash = head?.hash ?? genesis
        var events: [ConsentEvent] = []
        events.reserveCapacity(inputs.count)
        for input in inputs {
            let event = ConsentEvent(id: nextId, input: input, recordedAt: recordedAt, prevHash: prevHash)
            events.append(event)
            nextId += 1
            prevHash = event.hash
        }
        return events
    }
}

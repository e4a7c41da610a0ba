import Foundation

/// What erasing one contact did. Carries no personal data: the tombstone is random.
public struct ContactErasure: Codable, Sendable, Hashable {
    /// The id the erased history carries in the ledger and the delivery log from now on.
    public var tombstone: String
    /// The ledger's `erasure` event.
    public var ledgerEventId: Int64
    public var ledgerEventsErased: Int
    /// Queued or scheduled deliveries that will now never be sent.
    public var deliveriesCancelled: Int
    /// Deliveries whose trace, attempt errors and provider ids were blanked (state and job counts kept).
    public var deliveriesScrubbed: Int
    /// Addresses kept blocked for marketing as keyed hashes (`rights.block_erased_addresses`).
    public var addressesBlocked: Int

    public init(
        tombstone: String, ledgerEventId: Int64, ledgerEventsErased: Int, deliveriesCancelled: Int,
        deliveriesScrubbed: Int, addressesBlocked: Int
    ) {
        self.tombstone = tombstone
        self.ledgerEventId = ledgerEventId
        self.ledgerEventsErased = ledgerEventsErased
        self.deliveriesCancelled = deliveriesCancelled
        self.deliveriesScrubbed = deliveriesScrubbed
        self.addressesBlocked = addressesBlocked
    }
}

/// Erasure of one person's data (GDPR Art. 17). A protocol of its own so `Store` stays as it is; both
/// backends conform.
public protocol ContactErasureStore: Sendable {
    /// In one transaction: deletes the contact, its suppressions and send log; blanks the personal fields of
    /// its ledger events (the chain keeps verifying, see `ConsentSeal`) and moves them, and its deliveries, to
    /// a new random tombstone id; cancels its unsent deliveries; appends an `erasure` event. With
    /// `addressDigest`, every address the contact had is kept as that digest in the erased-address block list.
    /// Nil when nothing at all is held about `contactId`.
    func eraseContact(
        _ contactId: String, actor: String, at: Date, addressDigest: (@Sendable (String) -> String)?
    ) async throws -> ContactErasure?

    /// Marks erased addresses in the policy facts this store loads, once enabled with the key.
    var erasedAddresses: ErasedAddressFilter { get }

    /// When the contact row now under `contactId` was first stored (an update keeps it; an erasure deletes the
    /// row, so storing the id again starts anew); 1970 for rows stored before this was kept; nil if there is none.
    func contactCreatedAt(_ contactId: String) async throws -> Date?

    /// Whether any of these keyed hashes is on the erased-address block list.
    func listsErasedAddress(digests: [String]) async throws -> Bool
}

extension ContactErasureStore {
    /// Whether `address`, in either spelling, is on the erased-address block list, hashed with the key the policy
    /// facts use (`erasedAddresses`); false while that is off.
    public func listsErasedAddress(_ address: String) async throws -> Bool {
        let digests = erasedAddresses.digests(of: AddressSpellings([address]).all)
        return try await listsErasedAddress(digests: Array(digests.keys))
    }
}

extension Contact {
    /// Every address the contact has, in the form suppressions and the erased-address block list use.
    public var allAddresses: [String] {
        var all: [String] = []
        forEachAddress { all.append($0) }
        return all
    }
}

extension ContactErasure {
    /// What an erased delivery's decision trace becomes (stored JSON): the rules' details named addresses. Outcomes
    /// compare a row's trace with this stored form to tell an erased row (`SQLiteStore.outcomeSQL`), so its wording
    /// must not become a `TracePhrases` entry: rows erased before would no longer compare equal.
    public static let scrubbedTrace = TraceStep.encode([
        TraceStep(rule: "erasure", outcome: "erased", detail: "the contact's personal data was erased")
    ])
}

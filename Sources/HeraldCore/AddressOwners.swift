/// The addresses of a batch of contacts, each with the first contact of the batch that has it, for the lookups of
/// the policy's facts: suppressions and erased addresses. A stored spelling found stands for itself and for the
/// address it is another spelling of (`EmailAddress.otherSpellings`).
public struct AddressOwners: Sendable {
    private var ownerOf: [String: String] = [:]
    private let others: [String: String]
    /// What to look up: every address, then the other spellings.
    public let spellings: [String]

    public init(_ contacts: [Contact]) {
        var ownerOf: [String: String] = [:]
        ownerOf.reserveCapacity(contacts.count)
        // The earlier contact writes last.
        for contact in contacts.reversed() {
            contact.forEachAddress { ownerOf[$0] = contact.id }
        }
        self.ownerOf = ownerOf
        others = EmailAddress.otherSpellings(of: ownerOf.keys)
        spellings = Array(ownerOf.keys) + others.keys
    }

    public var isEmpty: Bool { ownerOf.isEmpty }

    /// Each contact address `spelling` stands for, with its owner.
    public func forEachAddress(spelledAs spelling: String, _ body: (_ owner: String, _ address: String) -> Void) {
        if let owner = ownerOf[spelling] { body(owner, spelling) }
        if let address = others[spelling], let owner = ownerOf[address] { body(owner, address) }
    }
}

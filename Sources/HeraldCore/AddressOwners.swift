/// Addresses to look up in the suppression list, with the other spellings a suppression of them may be stored
/// under (`EmailAddress.otherSpellings`). A stored spelling found stands for itself, when it is one of the
/// addresses, and for the address it is another spelling of: both, when both spellings are looked up at once.
public struct AddressSpellings: Sendable {
    private let addresses: Set<String>
    private let others: [String: [String]]
    /// Every address, then the other spellings.
    public let all: [String]

    public init(_ addresses: [String]) {
        self.addresses = Set(addresses)
        others = EmailAddress.otherSpellings(of: self.addresses)
        all = Array(self.addresses) + others.keys
    }

    public func forEachAddress(spelledAs spelling: String, _ body: (_ address: String) -> Void) {
        if addresses.contains(spelling) { body(spelling) }
        for address in others[spelling] ?? [] { body(address) }
    }
}

/// The addresses of a batch of contacts and every contact of the batch that has each, for the lookups of the
/// policy's facts: suppressions and erased addresses, in either spelling (`AddressSpellings`). Two contacts may
/// share an address (a family's phone): a suppression of it holds for both.
public struct AddressOwners: Sendable {
    private var firstOwner: [String: String] = [:]
    /// Rare: the owners after the first, so the usual batch builds no array per address.
    private var moreOwners: [String: [String]] = [:]
    private let others: [String: [String]]
    /// What to look up: every address, then the other spellings.
    public let spellings: [String]

    public init(_ contacts: [Contact]) {
        var firstOwner: [String: String] = [:]
        var moreOwners: [String: [String]] = [:]
        // Sized once for every address: growing it rehashed the batch's addresses twice per batch.
        firstOwner.reserveCapacity(contacts.reduce(0) { $0 + $1.addressCount })
        for contact in contacts {
            contact.forEachAddress { address in
                guard let first = firstOwner[address] else {
                    firstOwner[address] = contact.id
                    return
                }
                if first != contact.id, !(moreOwners[address]?.contains(contact.id) ?? false) {
                    moreOwners[address, default: []].append(contact.id)
                }
            }
        }
        self.firstOwner = firstOwner
        self.moreOwners = moreOwners
        others = EmailAddress.otherSpellings(of: firstOwner.keys)
        spellings = Array(firstOwner.keys) + others.keys
    }

    public var isEmpty: Bool { firstOwner.isEmpty }

    /// Each contact address `spelling` stands for, once per contact that has it.
    public func forEachAddress(spelledAs spelling: String, _ body: (_ owner: String, _ address: String) -> Void) {
        forEachOwner(of: spelling) { body($0, spelling) }
        for address in others[spelling] ?? [] { forEachOwner(of: address) { body($0, address) } }
    }

    private func forEachOwner(of address: String, _ body: (String) -> Void) {
        guard let first = firstOwner[address] else { return }
        body(first)
        for owner in moreOwners[address] ?? [] { body(owner) }
    }
}

import Synchronization

/// Erased addresses kept blocked for marketing (`rights.block_erased_addresses`), as the policy facts see
/// them: a store asks it for the keyed hashes of the addresses it loads facts for, and marks the ones in its
/// block list. Off (no hashing, no lookup) until the daemon enables it with the configured key.
public final class ErasedAddressFilter: Sendable {
    private let settings = Mutex<ErasureSettings?>(nil)

    public init() {}

    public func enable(_ erasure: ErasureSettings) {
        settings.withLock { $0 = erasure.blockedAddressKey == nil ? nil : erasure }
    }

    /// Keyed hash → address, for the addresses given; empty while off.
    public func digests(of addresses: some Sequence<String>) -> [String: String] {
        guard let settings = settings.withLock({ $0 }) else { return [:] }
        var byDigest: [String: String] = [:]
        for address in addresses {
            if let digest = settings.addressDigest(address) { byDigest[digest] = address }
        }
        return byDigest
    }
}

import Crypto
import Foundation

/// `rights:` settings that shape an erasure.
public struct ErasureSettings: Sendable {
    /// The HMAC key erased addresses are kept under (`rights.block_erased_addresses`); nil keeps none.
    public var blockedAddressKey: [UInt8]?

    public init(blockedAddressKey: [UInt8]? = nil) { self.blockedAddressKey = blockedAddressKey }

    /// The keyed hash an erased address is kept as: without the key nobody can test a guess against it.
    public func addressDigest(_ address: String) -> String? {
        blockedAddressKey.map { key in
            Hex.string(HMAC<SHA256>.authenticationCode(for: Data(address.utf8), using: SymmetricKey(data: key)))
        }
    }
}

/// The one way an erasure runs, for the HTTP API and the CLI alike.
public enum ContactEraser {
    public static func erase(
        _ contactId: String, store: any Store, settings: ErasureSettings, actor: String, at: Date
    ) async throws -> ContactErasure? {
        guard let erasing = store as? any ContactErasureStore else {
            throw HeraldError(code: "not_supported", message: "this store cannot erase contacts", statusCode: 501)
        }
        try Identifier.validate(contactId, field: "id")
        guard !ConsentErasure.isTombstone(contactId) else {
            throw HeraldError.invalid("id", "names an already erased history", code: "already_erased")
        }
        var digest: (@Sendable (String) -> String)?
        if settings.blockedAddressKey != nil { digest = { @Sendable address in settings.addressDigest(address) ?? "" } }
        return try await erasing.eraseContact(contactId, actor: actor, at: at, addressDigest: digest)
    }
}

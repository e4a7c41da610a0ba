import Crypto
import Foundation

/// The Ed25519 key pair that signs ledger checkpoints. Kept as the base64 of its 32-byte private key; the
/// public key is what a verifier or a witness needs.
public struct CheckpointKey: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    public init() { privateKey = Curve25519.Signing.PrivateKey() }

    /// From the base64 text of a 32-byte private key (what `encoded` writes).
    public init(base64 text: String) throws(HeraldError) {
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw HeraldError(
                code: "checkpoint_key_invalid", message: "the checkpoint signing key must be the base64 of 32 bytes")
        }
        privateKey = key
    }

    public var encoded: String { privateKey.rawRepresentation.base64EncodedString() }

    public var publicKey: CheckpointPublicKey { CheckpointPublicKey(privateKey.publicKey) }

    /// Signs where the chain stands now.
    public func sign(_ head: LedgerHead, at: Date) throws -> LedgerCheckpoint {
        let signature = try privateKey.signature(for: LedgerCheckpoint.signedMessage(head, signedAt: at.truncatedToMilliseconds))
        return LedgerCheckpoint(
            events: head.events, headEventId: head.headEventId, headHash: head.headHash, signedAt: at,
            keyId: publicKey.id, signature: signature.base64EncodedString())
    }
}

/// The public half: checks checkpoint signatures. Printed by `herald audit public-key` and listed with the
/// checkpoints, so a witness can check them without access to Herald.
public struct CheckpointPublicKey: Sendable, Hashable {
    let key: Curve25519.Signing.PublicKey

    init(_ key: Curve25519.Signing.PublicKey) { self.key = key }

    /// From the base64 text of a 32-byte public key.
    public init(base64 text: String) throws(HeraldError) {
        guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else {
            throw HeraldError.invalid("public_key", "must be the base64 of a 32-byte Ed25519 public key")
        }
        self.key = key
    }

    public var encoded: String { key.rawRepresentation.base64EncodedString() }

    /// The first 16 hex characters of the public key's SHA-256: names the key in each checkpoint.
    public var id: String { String(Hashing.sha256Hex(key.rawRepresentation).prefix(16)) }

    public func isValidSignature(of checkpoint: LedgerCheckpoint) -> Bool {
        guard checkpoint.keyId == id, let signature = Data(base64Encoded: checkpoint.signature) else { return false }
        return key.isValidSignature(signature, for: checkpoint.signedMessage)
    }

    public static func == (a: Self, b: Self) -> Bool { a.key.rawRepresentation == b.key.rawRepresentation }
    public func hash(into hasher: inout Hasher) { hasher.combine(key.rawRepresentation) }
}

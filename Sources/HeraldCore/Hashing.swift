import Crypto
import Foundation

public enum Hashing {
    public static func sha256Hex(_ bytes: some DataProtocol) -> String {
        Hex.string(SHA256.hash(data: bytes))
    }
}

extension JobSpec {
    /// Same content, whatever the key order or whitespace: the hash of the canonical encoding.
    public func canonicalHash() -> String {
        CanonicalJobSpec(self).hash
    }
}

/// A job spec's canonical JSON (sorted keys: what the stores keep) and its hash (what idempotency compares),
/// from one encoding: intake used to encode every job twice, a tenth of its CPU.
public struct CanonicalJobSpec: Sendable {
    public let json: String
    public let hash: String

    public init(_ spec: JobSpec) {
        let bytes = CanonicalJobSpecWriter(spec).bytes
        json = String(decoding: bytes, as: UTF8.self)
        hash = Hashing.sha256Hex(bytes)
    }
}

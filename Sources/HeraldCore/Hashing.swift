import Crypto
import Foundation

public enum Hashing {
    public static func sha256Hex(_ bytes: some DataProtocol) -> String {
        Hex.string(SHA256.hash(data: bytes))
    }
}

extension JobSpec {
    /// Same content, whatever the key order, the whitespace or the defaults spelled out: the hash of the
    /// canonical encoding.
    public func canonicalHash() -> String {
        CanonicalJobSpec(self).hash
    }
}

/// A job spec's canonical JSON (sorted keys: what the stores keep) and its hash (what idempotency compares),
/// from one encoding: intake used to encode every job twice, a tenth of its CPU. Members equal to their
/// defaults are left out (`JobSpec.withoutDefaults`).
public struct CanonicalJobSpec: Sendable {
    public let json: String
    public let hash: String

    public init(_ spec: JobSpec) {
        let bytes = CanonicalJobSpecWriter(spec.withoutDefaults).bytes
        json = String(decoding: bytes, as: UTF8.self)
        hash = Hashing.sha256Hex(bytes)
    }
}

extension Job {
    /// Whether a job posted under this one's idempotency key with `bodyHash` is this job again. A job stored
    /// while the canonical form still kept defaults spelled out (`"priority": 5` on a transactional job) has a
    /// hash of that older form; its spec, written canonically today, answers for it.
    public func isRepeated(byBodyHash bodyHash: String) -> Bool {
        self.bodyHash == bodyHash || CanonicalJobSpec(spec).hash == bodyHash
    }
}

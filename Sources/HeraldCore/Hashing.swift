import Crypto
import Foundation

public enum Hashing {
    public static func sha256Hex(_ bytes: some DataProtocol) -> String {
        Hex.string(SHA256.hash(data: bytes))
    }
}

extension JobSpec {
    /// Same content, whatever the key order or whitespace: the hash of the canonical encoding.
    public func canonicalHash() throws -> String {
        Hashing.sha256Hex(try HeraldJSON.encoder().encode(self))
    }
}

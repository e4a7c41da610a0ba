import Crypto
import Foundation

public enum Hashing {
    public static func sha256Hex(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

extension JobSpec {
    /// Same content, whatever the key order or whitespace: the hash of the canonical encoding.
    public func canonicalHash() throws -> String {
        Hashing.sha256Hex(try HeraldJSON.encoder().encode(self))
    }
}

import Foundation

/// API keys are random 32-byte secrets shown once; only their SHA-256 is stored.
public enum APIKey {
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "hk_" + Hex.string(bytes)
    }

    public static func hash(_ key: String) -> String {
        Hashing.sha256Hex(Array(key.utf8))
    }
}

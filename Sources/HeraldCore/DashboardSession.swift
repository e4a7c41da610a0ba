import Crypto
import Foundation

/// The dashboard's cookie: which key signed in (its SHA-256, never the key) and until when, signed by the
/// daemon. Every request still looks the key up, so revoking the key ends its sessions too.
///
/// Shape: `<key hash>.<expiry, ms since 1970>.<hex HMAC-SHA256 over "herald-ui-session|hash|expiry">`.
public enum DashboardSession {
    public static let lifetime: TimeInterval = 12 * 3600

    public static func issue(keyHash: String, now: Date, secret: [UInt8]) -> String {
        let expiry = String(Int64((now.timeIntervalSince1970 + lifetime) * 1000))
        return "\(keyHash).\(expiry).\(mac(keyHash, expiry, secret: secret))"
    }

    /// The key hash a valid, unexpired session names; nil for anything else.
    public static func keyHash(from session: String, now: Date, secret: [UInt8]) -> String? {
        guard session.utf8.count <= 256 else { return nil }
        let parts = session.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let expiry = Int64(parts[1]),
            let given = hexBytes(parts[2]),
            HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: message(parts[0], parts[1]), using: SymmetricKey(data: secret)),
            Double(expiry) / 1000 > now.timeIntervalSince1970
        else { return nil }
        return parts[0]
    }

    private static func message(_ hash: String, _ expiry: String) -> [UInt8] {
        Array("herald-ui-session|\(hash)|\(expiry)".utf8)
    }

    private static func mac(_ hash: String, _ expiry: String, secret: [UInt8]) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: message(hash, expiry), using: SymmetricKey(data: secret)))
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        guard text.utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

import Crypto
import Foundation

/// The signed, expiring key to one contact's preference page (`/p/{token}`).
///
/// Shape: `base64url(payload) "." base64url(HMAC-SHA256(key, payload))`. The payload is a version byte,
/// the expiry as 8-byte big-endian Unix seconds, (version 2) the issue time as 8-byte big-endian Unix
/// milliseconds, then contact id and token id, each as a 2-byte big-endian length and UTF-8. The token id is
/// random per link, so a ledger event names the link used. The issue time tells a link to an erased contact
/// from one to a contact created later under the same id (`LinkOwnership`).
public struct PreferenceToken: Sendable, Hashable {
    public var contactId: String
    public var tokenId: String
    public var expiresAt: Date
    /// Nil for links signed before issue times were carried (version 1).
    public var issuedAt: Date?

    public init(contactId: String, tokenId: String, expiresAt: Date, issuedAt: Date? = nil) {
        self.contactId = contactId
        self.tokenId = tokenId
        self.expiresAt = Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down))
        self.issuedAt = issuedAt?.truncatedToMilliseconds
    }

    /// Whether the link was signed before the contact now under its id existed (`LinkOwnership`). A version-1
    /// link counts as signed in 1970: it opens for contacts stored before creation times were kept, which is
    /// every contact it can have been sent to, and it expires like any other.
    public func predates(contactCreatedAt created: Date) -> Bool {
        LinkOwnership.predates(issuedAt: issuedAt ?? Date(timeIntervalSince1970: 0), contactCreatedAt: created)
    }

    /// A fresh token id: 96 random bits, base64url.
    public static func newTokenId() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<12).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    public func signed(key: [UInt8]) -> String {
        let payload = encodedPayload()
        return Base64URL.encode(payload) + "." + Base64URL.encode(Self.mac(payload, key: key))
    }

    public enum Verification: Sendable, Hashable {
        case valid(PreferenceToken)
        /// Genuine but past its expiry: the page says so, and nothing is recorded.
        case expired(PreferenceToken)
        /// Forged, tampered with or malformed.
        case invalid
    }

    /// Checks the signature against each key in turn (current, then previous), so links sent before a key
    /// rotation keep working until they expire. `isValidAuthenticationCode` compares in constant time.
    public static func verify(_ text: String, keys: [[UInt8]], now: Date) -> Verification {
        guard text.utf8.count <= maximumLength else { return .invalid }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
            mac.count == SHA256.byteCount
        else { return .invalid }
        let genuine = keys.contains { key in
            !key.isEmpty
                && HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: SymmetricKey(data: key))
        }
        guard genuine, let token = decodePayload(payload) else { return .invalid }
        return now < token.expiresAt ? .valid(token) : .expired(token)
    }

    static let maximumLength = 2048

    private static func mac(_ payload: [UInt8], key: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: key)))
    }
}

extension PreferenceToken {
    func encodedPayload() -> [UInt8] {
        var bytes: [UInt8] = [issuedAt == nil ? 1 : 2]
        TokenFields.append(UInt64(max(0, expiresAt.timeIntervalSince1970)), to: &bytes)
        if let issuedAt { TokenFields.append(time: issuedAt, to: &bytes) }
        TokenFields.append([contactId, tokenId], to: &bytes)
        return bytes
    }

    static func decodePayload(_ bytes: [UInt8]) -> PreferenceToken? {
        guard let version = bytes.first, version == 1 || version == 2 else { return nil }
        guard let seconds = TokenFields.number(bytes, at: 1) else { return nil }
        var issued: Date?
        if version == 2 {
            guard let time = TokenFields.time(bytes, at: 9) else { return nil }
            issued = time
        }
        guard let fields = TokenFields.read(2, from: bytes, at: version == 1 ? 9 : 17), !fields[0].isEmpty
        else { return nil }
        return PreferenceToken(
            contactId: fields[0], tokenId: fields[1], expiresAt: Date(timeIntervalSince1970: TimeInterval(seconds)),
            issuedAt: issued)
    }
}

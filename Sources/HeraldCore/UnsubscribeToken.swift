import Crypto
import Foundation

/// RFC 8058 one-click unsubscribe tokens: the scope they revoke, signed with HMAC-SHA256.
///
/// Shape: `base64url(payload) "." base64url(HMAC-SHA256(secret, payload))`, where the payload is a
/// version byte, (version 2) the signing time as 8-byte big-endian Unix milliseconds, then contact id, channel
/// and topic, each as a 2-byte big-endian length and UTF-8. The signing time tells a link to an erased contact
/// from one to a contact stored later under the same id (`LinkOwnership`).
public struct UnsubscribeToken: Sendable, Hashable {
    public var contactId: String
    public var channel: String
    public var topic: String
    /// Nil for links signed before signing times were carried (version 1).
    public var issuedAt: Date?

    public init(contactId: String, channel: String, topic: String, issuedAt: Date? = nil) {
        self.contactId = contactId
        self.channel = channel
        self.topic = topic
        self.issuedAt = issuedAt?.truncatedToMilliseconds
    }

    /// Whether the link was signed before the contact now under its id existed (`LinkOwnership`). A version-1
    /// link never does: unsubscribe links do not expire and must keep working from mail already sent (RFC 8058,
    /// CAN-SPAM's 30 days), and an opt-out fails safe.
    public func predates(contactCreatedAt created: Date) -> Bool {
        guard let issuedAt else { return false }
        return LinkOwnership.predates(issuedAt: issuedAt, contactCreatedAt: created)
    }

    /// URL-safe text: payload and signature, base64url.
    public func signed(secret: [UInt8]) -> String {
        let payload = encodedPayload()
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: secret))
        return Base64URL.encode(payload) + "." + Base64URL.encode(Array(mac))
    }

    /// Nil for anything forged, tampered with or malformed.
    public static func verify(_ token: String, secret: [UInt8]) -> UnsubscribeToken? {
        guard token.utf8.count <= maximumTokenLength else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
            mac.count == SHA256.byteCount,
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: SymmetricKey(data: secret))
        else { return nil }
        return decodePayload(payload)
    }

    /// Far above any real token; keeps a hostile URL from costing more than a quick rejection.
    static let maximumTokenLength = 4096
}

extension UnsubscribeToken {
    func encodedPayload() -> [UInt8] {
        var bytes: [UInt8] = [issuedAt == nil ? 1 : 2]
        if let issuedAt { TokenFields.append(time: issuedAt, to: &bytes) }
        TokenFields.append([contactId, channel, topic], to: &bytes)
        return bytes
    }

    static func decodePayload(_ bytes: [UInt8]) -> UnsubscribeToken? {
        guard let version = bytes.first, version == 1 || version == 2 else { return nil }
        var issued: Date?
        if version == 2 {
            guard let time = TokenFields.time(bytes, at: 1) else { return nil }
            issued = time
        }
        guard let fields = TokenFields.read(3, from: bytes, at: version == 1 ? 1 : 9) else { return nil }
        return UnsubscribeToken(contactId: fields[0], channel: fields[1], topic: fields[2], issuedAt: issued)
    }
}

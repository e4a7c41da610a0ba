import Crypto

/// RFC 8058 one-click unsubscribe tokens: the scope they revoke, signed with HMAC-SHA256.
///
/// Shape: `base64url(payload) "." base64url(HMAC-SHA256(secret, payload))`, where the payload is a
/// version byte followed by contact id, channel and topic, each as a 2-byte big-endian length and UTF-8.
public struct UnsubscribeToken: Sendable, Hashable {
    public var contactId: String
    public var channel: String
    public var topic: String

    public init(contactId: String, channel: String, topic: String) {
        self.contactId = contactId
        self.channel = channel
        self.topic = topic
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
    static let payloadVersion: UInt8 = 1
}

extension UnsubscribeToken {
    func encodedPayload() -> [UInt8] {
        var bytes: [UInt8] = [Self.payloadVersion]
        TokenFields.append([contactId, channel, topic], to: &bytes)
        return bytes
    }

    static func decodePayload(_ bytes: [UInt8]) -> UnsubscribeToken? {
        guard bytes.first == payloadVersion, let fields = TokenFields.read(3, from: bytes, at: 1) else { return nil }
        return UnsubscribeToken(contactId: fields[0], channel: fields[1], topic: fields[2])
    }
}

/// RFC 8058 one-click unsubscribe tokens: the scope they revoke, signed with HMAC-SHA256.
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
        fatalError("not yet implemented")
    }

    /// Nil for anything forged, tampered with or malformed.
    public static func verify(_ token: String, secret: [UInt8]) -> UnsubscribeToken? {
        fatalError("not yet implemented")
    }
}

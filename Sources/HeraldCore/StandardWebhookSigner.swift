import Crypto
import Foundation

/// Signs an outgoing webhook as the Standard Webhooks specification says, so a receiver can verify it with
/// any Standard Webhooks library: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the
/// key being the base64 part of a `whsec_…` secret.
public struct StandardWebhookSigner: Sendable {
    private let key: SymmetricKey

    /// Throws `config_invalid` unless `secret` is `whsec_` followed by base64 of at least 24 bytes.
    public init(secret: String, field: String) throws(HeraldError) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(trimmed.dropFirst(6))),
            bytes.count >= 24
        else {
            throw HeraldError(
                code: "config_invalid", message: "a webhook secret is whsec_ followed by base64 of 24 to 64 bytes",
                field: field)
        }
        key = SymmetricKey(data: bytes)
    }

    /// A new random secret in the `whsec_` form, for people setting up an endpoint.
    public static func generateSecret() -> String {
        "whsec_" + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
    }

    /// The three headers of one POST.
    public func headers(messageId: String, timestamp: Date, body: [UInt8]) -> [(String, String)] {
        let seconds = String(Int64(timestamp.timeIntervalSince1970))
        var signed = Array("\(messageId).\(seconds).".utf8)
        signed += body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        return [
            ("webhook-id", messageId), ("webhook-timestamp", seconds),
            ("webhook-signature", "v1," + Data(mac).base64EncodedString()),
        ]
    }
}

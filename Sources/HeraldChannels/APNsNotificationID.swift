import Crypto
import Foundation

/// `apns-id` values derived from the delivery's idempotency key and the device token, so a resend after a
/// crash carries the same id and shows up as the same notification in Apple's and our logs.
enum APNsNotificationID {
    static func make(idempotencyKey: String, deviceToken: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("herald-apns\n\(idempotencyKey)\n\(deviceToken)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8: custom (RFC 9562)
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let uuid = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
        return uuid.uuidString.lowercased()
    }
}

import Foundation

/// APNs answers, sorted into what Herald does next. Errors carry `{"reason": "BadDeviceToken"}`;
/// 410 adds the `timestamp` at which the token stopped being valid.
extension PushHTTPResponse {
    func apnsOutcome(now: Date, sentId: String) -> PushTokenOutcome {
        if status == 200 { return .sent(messageId: header("apns-id") ?? sentId) }
        let reasonCode = jsonObject["reason"] as? String ?? ""
        let reason = "apns \(status) \(reasonCode)".trimmingCharacters(in: .whitespaces)
        switch (status, reasonCode) {
        case (410, _), (400, "BadDeviceToken"):
            return .invalidToken(reason: reason)
        case (403, "ExpiredProviderToken"):
            return .credentialRejected(reason: reason)
        case (429, _), (500...599, _):
            return .retry(after: retryAfter(now: now), reason: reason)
        default:
            return .permanent(reason: reason)
        }
    }
}

import Foundation

/// FCM HTTP v1 answers, sorted into what Herald does next. Error bodies look like
/// `{"error": {"code", "message", "status", "details": [{"@type": "…FcmError", "errorCode": "UNREGISTERED"}, …]}}`.
extension PushHTTPResponse {
    func fcmOutcome(now: Date) -> PushTokenOutcome {
        if status == 200 { return .sent(messageId: jsonObject["name"] as? String) }
        let error = jsonObject["error"] as? [String: Any] ?? [:]
        let details = error["details"] as? [[String: Any]] ?? []
        let fcmCode = details.compactMap { $0["errorCode"] as? String }.first
        let reason = "fcm \(status) \(fcmCode ?? error["status"] as? String ?? "")"
            .trimmingCharacters(in: .whitespaces)
        switch status {
        case 401:
            return .credentialRejected(reason: reason)
        case 404 where fcmCode == "UNREGISTERED":
            return .invalidToken(reason: reason)
        case 400 where Self.blamesToken(error: error, details: details):
            return .invalidToken(reason: reason)
        case 429, 500...599:
            return .retry(after: retryAfter(now: now), reason: reason)
        default:
            return .permanent(reason: reason)
        }
    }

    /// INVALID_ARGUMENT covers bad payloads too; only a complaint about `message.token` condemns the address.
    private static func blamesToken(error: [String: Any], details: [[String: Any]]) -> Bool {
        let violations = details.flatMap { $0["fieldViolations"] as? [[String: Any]] ?? [] }
        if violations.contains(where: { ($0["field"] as? String) == "message.token" }) { return true }
        let message = (error["message"] as? String ?? "").lowercased()
        return message.contains("registration token")
    }
}

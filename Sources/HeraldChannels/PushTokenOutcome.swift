import Foundation
import HeraldCore

/// What one provider said about one device token. A push message fans out to every token a contact has;
/// these per-token answers are folded into the one `SendResult` the engine records.
enum PushTokenOutcome: Sendable, Hashable {
    case sent(messageId: String?)
    /// The token is dead (uninstalled app, malformed token): suppress that address.
    case invalidToken(reason: String)
    case retry(after: TimeInterval?, reason: String)
    case permanent(reason: String)
    /// The provider rejected our credential as expired: refresh it once and resend.
    case credentialRejected(reason: String)
}

enum PushOutcomes {
    /// Sent if any token took the message (provider id of the first, in address order); otherwise retry if any
    /// failure was transient, invalid address if every token is dead, else permanent. Dead tokens are always listed.
    static func combine(_ results: [(address: String, outcome: PushTokenOutcome)], channel: String) -> SendResult {
        guard !results.isEmpty else {
            return SendResult(outcome: .permanent, error: "no_address: no \(channel) token")
        }
        var firstSentId: String??
        var invalid: [String] = []
        var retryReasons: [String] = []
        var retryAfter: TimeInterval?
        var permanentReasons: [String] = []
        for (address, outcome) in results {
            switch outcome {
            case .sent(let id):
                if firstSentId == nil { firstSentId = .some(id) }
            case .invalidToken:
                invalid.append(address)
            case .retry(let after, let reason):
                retryReasons.append(reason)
                if let after { retryAfter = max(retryAfter ?? 0, after) }
            case .permanent(let reason), .credentialRejected(let reason):
                permanentReasons.append(reason)
            }
        }
        if let firstSentId {
            let failed = results.count - results.filter { if case .sent = $0.outcome { true } else { false } }.count
            return SendResult(
                outcome: .sent, providerMessageId: firstSentId,
                error: failed > 0 ? "\(failed) of \(results.count) \(channel) tokens failed" : nil,
                invalidAddresses: invalid)
        }
        if let reason = retryReasons.first {
            return SendResult(outcome: .retry, retryAfter: retryAfter, error: reason, invalidAddresses: invalid)
        }
        if permanentReasons.isEmpty {
            return SendResult(
                outcome: .invalidAddress, error: "every \(channel) token is invalid", invalidAddresses: invalid)
        }
        return SendResult(outcome: .permanent, error: permanentReasons[0], invalidAddresses: invalid)
    }
}

import CCurl
import HeraldCore

/// Turns a libcurl SMTP transfer's outcome into a `SendResult`. Pure, so every branch is testable
/// without a relay. Error texts start with a stable code and never carry a full address.
enum SMTPClassification {
    /// The SMTP command a failure answered, read from libcurl's error text (`RCPT failed: 550`).
    enum Stage: String {
        case sender = "mail"
        case recipient = "rcpt"
        case data
        case session

        init(errorText: String) {
            if errorText.hasPrefix("RCPT") {
                self = .recipient
            } else if errorText.hasPrefix("MAIL") {
                self = .sender
            } else if errorText.hasPrefix("DATA") {
                self = .data
            } else {
                self = .session
            }
        }
    }

    /// `needsSMTPUTF8`: the recipient's local part is beyond ASCII (`SMTPRecipient`).
    static func classify(
        _ transfer: CurlTransferResult, recipient: String, needsSMTPUTF8: Bool = false, messageId: String
    ) -> SendResult {
        let code = CURLcode(rawValue: numericCast(transfer.code))
        if code == CURLE_OK { return .sent(id: messageId) }
        if let result = classifyTransportFailure(code, reply: transfer.responseCode) { return result }

        let reply = transfer.responseCode
        let stage = Stage(errorText: transfer.errorText)
        let masked = Redaction.mask(recipient)
        switch reply {
        case _ where needsSMTPUTF8 && stage == .recipient && [500, 501, 553, 555].contains(reply):
            // A relay without SMTPUTF8 refuses the address's syntax (RFC 6531 names 553 for it); the address
            // itself may be fine, so it is not taken as invalid and not suppressed.
            return failure(
                .permanent, "smtp_utf8_unsupported",
                "rcpt got \(reply) for \(masked): the relay does not take a local part beyond ASCII (SMTPUTF8)")
        case _ where [550, 551, 553].contains(reply) && stage == .recipient:
            // "No such user" style replies: this address will never work.
            return SendResult(
                outcome: .invalidAddress, error: "smtp_recipient_rejected: rcpt got \(reply) for \(masked)",
                invalidAddresses: [recipient])
        case 400..<500:
            return failure(.retry, "smtp_\(stage.rawValue)_deferred", "\(stage.rawValue) got \(reply) for \(masked)")
        case 500..<600:
            return failure(
                .permanent, "smtp_\(stage.rawValue)_rejected", "\(stage.rawValue) got \(reply) for \(masked)")
        default:
            return failure(.retry, "smtp_transfer_failed", "libcurl error \(transfer.code), last reply \(reply)")
        }
    }

    /// Failures decided by libcurl's code alone: TLS, authentication, connectivity, configuration.
    static func classifyTransportFailure(_ code: CURLcode, reply: Int) -> SendResult? {
        switch code {
        case CURLE_USE_SSL_FAILED:
            return failure(.permanent, "smtp_starttls_unavailable", "starttls is required but the relay does not offer it")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return failure(.permanent, "smtp_tls_verify_failed", "the relay's certificate did not verify")
        case CURLE_LOGIN_DENIED:
            if (400..<500).contains(reply) {
                return failure(.retry, "smtp_auth_deferred", "authentication deferred with \(reply)")
            }
            return failure(.permanent, "smtp_auth_failed", "the relay rejected the credentials (\(reply))")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return failure(.permanent, "smtp_config_invalid", "libcurl cannot use the configured url")
        case CURLE_OPERATION_TIMEDOUT:
            return failure(.retry, "smtp_timeout", "the relay did not answer in time")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR, CURLE_GOT_NOTHING:
            return failure(.retry, "smtp_connection_failed", "could not reach the relay (libcurl error \(code.rawValue))")
        default:
            return nil
        }
    }

    static func failure(_ outcome: AttemptOutcome, _ code: String, _ detail: String) -> SendResult {
        SendResult(outcome: outcome, error: "\(code): \(detail)")
    }
}

import Foundation
import HeraldCore

/// What sending one message takes: a result decided before any transfer (the message cannot be
/// built), or the bytes to hand to the relay.
enum SMTPPlan {
    case done(SendResult)
    case transfer(SMTPTransfer)
}

/// One built message on its way to one recipient. `send` and `send(batch:)` both run it as a
/// `CurlSMTPJob` and classify its outcome here, so the two paths cannot drift apart.
struct SMTPTransfer: Sendable {
    /// The transfer's outcome (nil when it never ran: driver shut down, or no handle) and its latency.
    typealias Outcome = (transfer: CurlTransferResult?, latency: Duration)

    var bytes: [UInt8]
    /// The contact's address as stored: what an invalid address result names, so its suppression matches.
    var recipient: String
    /// How the relay is given it.
    var envelope: SMTPRecipient
    var messageId: String
    /// This message's own envelope sender (VERP); nil keeps the handle's `from`.
    var mailFrom: String? = nil

    func job(completion: @escaping @Sendable (Outcome) -> Void) -> CurlSMTPJob {
        CurlSMTPJob(upload: bytes, recipients: [envelope.wire], mailFrom: mailFrom) {
            completion((transfer: $0, latency: $1))
        }
    }

    func result(of outcome: Outcome) -> SendResult {
        var result =
            if let transfer = outcome.transfer {
                SMTPClassification.classify(
                    transfer, recipient: recipient, needsSMTPUTF8: envelope.needsSMTPUTF8, messageId: messageId)
            } else {
                SMTPClassification.failure(.retry, "smtp_unavailable", "the driver is shut down or libcurl failed")
            }
        result.latency = outcome.latency
        return result
    }
}

extension SMTPDriver {
    /// Builds the message's MIME bytes (DKIM-signed when configured) on the calling task.
    func plan(_ message: OutboundMessage) -> SMTPPlan {
        guard case .email(let subject, let text, let html) = message.content else {
            return .done(
                SMTPClassification.failure(.permanent, "smtp_content_missing", "the message has no email content"))
        }
        guard let recipient = message.addresses.first else {
            return .done(SMTPClassification.failure(.permanent, "smtp_no_address", "the contact has no email address"))
        }
        guard let envelope = SMTPRecipient(recipient) else {
            return .done(
                SendResult(
                    outcome: .invalidAddress,
                    error: "smtp_address_invalid: \(Redaction.mask(recipient)) is not a mailbox",
                    invalidAddresses: [recipient]))
        }
        // One random token per message (one getrandom call) serves the Message-ID and the boundary.
        let token = Self.randomToken()
        let messageId = "delivery-\(message.deliveryId).\(token)@\(messageIdDomain)"
        var builder = MIMEBuilder(
            fromAddress: config.from, fromName: config.fromName, to: [envelope.wire], subject: subject, text: text,
            html: html, date: Date(), messageId: messageId, boundary: "=_herald_\(token)")
        builder.listUnsubscribe = listUnsubscribe(for: message)
        var mime = builder.build()
        if let signer {
            do {
                mime = try signer.sign(mime, now: builder.date)
            } catch {
                return .done(SendResult(outcome: .permanent, error: "\(error.code): \(error.message)"))
            }
        }
        return .transfer(
            SMTPTransfer(
                bytes: mime.bytes, recipient: recipient, envelope: envelope, messageId: messageId,
                mailFrom: returnPath?.address(deliveryId: message.deliveryId, channelId: id)))
    }
}

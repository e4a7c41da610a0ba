import Foundation
import HeraldCore

/// Reads a raw bounce or complaint as an MTA pipe or a mailbox poller posts it: a DSN (RFC 3464,
/// `multipart/report; report-type=delivery-status`) or an ARF report (RFC 5965,
/// `report-type=feedback-report`). Pure. Each failed or delayed recipient, or the complaint, becomes one
/// `EmailFeedback`, with the delivery named by a VERP address (checked against `verp`) and the original
/// Message-IDs to match by when no VERP address does.
public struct DeliveryReportParser: Sendable {
    public var verp: VERPSigner?
    public var channelId: String

    public init(verp: VERPSigner?, channelId: String) {
        self.verp = verp
        self.channelId = channelId
    }

    /// Throws `invalid_inbound` (400) for bytes that are not a MIME message or a report that breaks its own
    /// structure; a well-formed message that is no report (an auto-reply) is an empty list.
    public func parse(_ bytes: [UInt8]) throws(HeraldError) -> [EmailFeedback] {
        let message = try MIMEParser.parse(bytes)
        guard message.contentType == "multipart/report" else { return [] }
        let parts = try MIMEParser.parts(of: message)
        var returned: [(name: String, value: String)] = []
        if let original = parts.first(where: { ["message/rfc822", "text/rfc822-headers"].contains($0.contentType) }) {
            returned = try MIMEParser.parseHeaders(original.body, from: 0).0
        }
        var candidates = Self.addresses(
            in: ["X-Original-To", "Delivered-To", "Envelope-To", "To"].flatMap { message.allHeaders($0) })
        candidates += Self.addresses(in: Self.values(returned, "Return-Path"))
        let messageIds = Self.values(returned, "Message-ID").compactMap(Self.messageId)
        switch message.contentTypeParameter("report-type")?.lowercased() {
        case "delivery-status":
            guard let status = parts.first(where: { ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType) })
            else { throw MIMEParser.malformed("a delivery-status report without its message/delivery-status part") }
            return try deliveryStatus(status, candidates: candidates, messageIds: messageIds)
        case "feedback-report":
            guard let report = parts.first(where: { $0.contentType == "message/feedback-report" }) else {
                throw MIMEParser.malformed("a feedback report without its message/feedback-report part")
            }
            return try feedback(report, candidates: candidates, messageIds: messageIds, returned: returned)
        default:
            return []
        }
    }

    private func deliveryStatus(_ part: MIMEPart, candidates: [String], messageIds: [String]) throws(HeraldError) -> [EmailFeedback] {
        let groups = try MIMEParser.fieldGroups(part.body)
        guard groups.count >= 2 else { throw MIMEParser.malformed("a delivery-status part without a recipient") }
        let (deliveryId, forged) = resolve(candidates)
        return groups.dropFirst().compactMap { fields -> EmailFeedback? in
            let action = Self.values(fields, "Action").first?.lowercased() ?? ""
            let status = Self.values(fields, "Status").first.flatMap(Self.statusCode)
            let kind: EmailFeedback.Kind
            if action == "failed" && status?.hasPrefix("5.") != false {
                kind = .hardBounce
            } else if action == "delayed" || (action == "failed" && status?.hasPrefix("4.") == true) {
                kind = .softBounce
            } else {
                return nil  // delivered, relayed, expanded: nothing went wrong
            }
            let recipient = (Self.values(fields, "Final-Recipient") + Self.values(fields, "Original-Recipient"))
                .compactMap(Self.typedAddress).first
            return EmailFeedback(
                kind: kind, recipient: recipient, status: status, source: "dsn", deliveryId: deliveryId, forgedToken: forged,
                messageIds: messageIds)
        }
    }

    private func feedback(
        _ part: MIMEPart, candidates: [String], messageIds: [String], returned: [(name: String, value: String)]
    ) throws(HeraldError) -> [EmailFeedback] {
        guard let fields = try MIMEParser.fieldGroups(part.body).first else {
            throw MIMEParser.malformed("an empty feedback-report part")
        }
        guard let type = Self.values(fields, "Feedback-Type").first?.lowercased() else {
            throw MIMEParser.malformed("a feedback report without Feedback-Type")
        }
        // abuse and fraud are spam reports; virus, not-spam and other say nothing about consent.
        guard ["abuse", "fraud"].contains(type) else { return [] }
        let (deliveryId, forged) = resolve(Self.addresses(in: Self.values(fields, "Original-Mail-From")) + candidates)
        let recipient = Self.addresses(in: Self.values(fields, "Original-Rcpt-To") + Self.values(returned, "To")).first
        return [
            EmailFeedback(
                kind: .complaint, recipient: recipient, status: type, source: "arf", deliveryId: deliveryId,
                forgedToken: forged, messageIds: messageIds)
        ]
    }

    /// The first VERP address whose MAC holds, and whether any looked like ours but did not.
    private func resolve(_ candidates: [String]) -> (Int64?, Bool) {
        guard let verp else { return (nil, false) }
        var forged = false
        for candidate in candidates {
            switch verp.match(candidate, channelId: channelId) {
            case .valid(let id): return (id, false)
            case .forged: forged = true
            case .notVERP: continue
            }
        }
        return (nil, forged)
    }

    static func values(_ fields: [(name: String, value: String)], _ name: String) -> [String] {
        let wanted = name.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// Every `local@domain` in header values such as `"Name" <a@b>, c@d`.
    static func addresses(in values: [String]) -> [String] {
        values.flatMap { value in
            value.split(whereSeparator: { " <>,;\"'\t()".contains($0) }).map(String.init)
                .filter { $0.contains("@") && !$0.hasPrefix("@") && !$0.hasSuffix("@") }
        }
    }

    /// `rfc822; user@example.com` → `user@example.com`.
    static func typedAddress(_ value: String) -> String? {
        let address = value.split(separator: ";", maxSplits: 1).last.map { String($0) } ?? value
        return addresses(in: [address]).first
    }

    /// `5.1.1 (bad mailbox)` → `5.1.1`; nil unless it has the class.subject.detail shape.
    static func statusCode(_ value: String) -> String? {
        let code = value.split(separator: " ").first.map(String.init) ?? ""
        let pieces = code.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 3, ["2", "4", "5"].contains(pieces[0]),
            pieces.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return code
    }

    /// `<id@host>` → `id@host`.
    static func messageId(_ value: String) -> String? {
        var text = value.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("<"), let close = text.firstIndex(of: ">") { text = String(text[text.index(after: text.startIndex)..<close]) }
        return text.isEmpty || text.count > 998 ? nil : text
    }
}

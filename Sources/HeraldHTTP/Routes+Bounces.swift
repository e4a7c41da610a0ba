import CoreMetrics
import Foundation
import HeraldCore
import Hummingbird

/// What one bounce or complaint did, as `POST /v1/inbound/{email_channel_id}` answers it. `outcome` is one
/// of `suppressed`, `already_suppressed`, `counted` (a soft bounce under the threshold), `revoked` (a
/// complaint in the consent ledger), `unmatched` (no delivery of this channel found), `rejected` (a VERP
/// address whose signature does not hold), `erased` (the delivery's contact was erased, or no delivery matched and
/// the address is on the erased-address block list: nothing recorded).
struct EmailReportResult: Encodable {
    var kind: String
    var outcome: String
    var deliveryId: Int64?
    var status: String?
    var softBounces: Int?

    enum CodingKeys: String, CodingKey {
        case kind, outcome, status
        case deliveryId = "delivery_id"
        case softBounces = "soft_bounces"
    }
}

struct EmailReportAnswer: Encodable {
    /// The first report's outcome; `ignored` for a post with none (an auto-reply, a delivery notice),
    /// `subscription_confirmed` for an SNS handshake.
    var outcome: String
    var reports: [EmailReportResult]
}

extension HeraldAPI {
    /// Answers an email channel's post (202), or nil when the post was not one.
    func emailReportResponse(_ actions: [InboundAction], channelId: String) async throws -> Response? {
        for action in actions {
            switch action {
            case .subscriptionConfirmed:
                return try JSONResponse.make(EmailReportAnswer(outcome: "subscription_confirmed", reports: []), status: .accepted)
            case .emailReport(let reports, let rule):
                var results: [EmailReportResult] = []
                for feedback in reports { results.append(try await applyEmailFeedback(feedback, rule: rule, channelId: channelId)) }
                countEmailReports(results, channelId: channelId)
                let answer = EmailReportAnswer(outcome: results.first?.outcome ?? "ignored", reports: results)
                return try JSONResponse.make(answer, status: .accepted)
            default:
                continue
            }
        }
        return nil
    }

    static let emailReportsMetric = "herald_email_reports_total"

    /// `herald_email_reports_total{channel, kind, outcome}`: bounces and complaints by what they did. The
    /// channel label is a configured id (unknown ones were refused before the body was read).
    private func countEmailReports(_ results: [EmailReportResult], channelId: String) {
        guard let factory = deps.ops.metricsFactory else { return }
        for result in results {
            Counter(
                label: Self.emailReportsMetric,
                dimensions: [("channel", channelId), ("kind", result.kind), ("outcome", result.outcome)], factory: factory
            ).increment()
        }
    }

    /// Matches the report to a delivery of this channel (VERP first, then Message-ID) and acts on it.
    private func applyEmailFeedback(_ feedback: EmailFeedback, rule: SoftBounceRule, channelId: String) async throws -> EmailReportResult {
        var result = EmailReportResult(kind: feedback.kind.rawValue, outcome: "unmatched", status: feedback.status)
        guard let bounces = deps.store as? any BounceStore else { return result }
        var delivery: BouncedDelivery?
        if let id = feedback.deliveryId, let found = try await bounces.bouncedDelivery(id: id), found.channel == .email,
            found.instance == nil || found.instance == channelId
        {
            delivery = found
        }
        for messageId in feedback.messageIds where delivery == nil {
            delivery = try await bounces.bouncedDelivery(instance: channelId, messageId: messageId)
        }
        if delivery == nil, feedback.vouchesForRecipient,
            try await namesErasedDelivery(feedback.messageIds, bounces: bounces, channelId: channelId)
        {
            result.outcome = "erased"
            return result
        }
        result.deliveryId = delivery?.deliveryId
        if delivery == nil && feedback.forgedToken {
            result.outcome = "rejected"
            return result
        }
        var contact: Contact?
        if let delivery {
            contact = try await deps.store.contact(id: delivery.contactId)
            // Its contact was erased (a sent delivery's contact is gone only then): recording the address the report
            // names, as a suppression or a bounce, would bring back what the erasure deleted. The store checks again
            // inside its write, for an erasure that commits after this read.
            guard contact != nil else {
                result.outcome = "erased"
                return result
            }
        }
        // An ESP reports the address it was given: the contact's, its domain in A-labels. Suppressions match byte for
        // byte, so the contact's own spelling of that mailbox is the one recorded.
        let vouched = (feedback.vouchesForRecipient ? feedback.recipient : nil).map { reported in
            contact?.email.flatMap { EmailAddress.isSameMailbox($0, reportedAs: reported) ? $0 : nil } ?? reported
        }
        guard delivery != nil || vouched != nil,
            let rawAddress = vouched ?? contact?.email ?? feedback.recipient,
            let address = try? SuppressionAddress.normalize(rawAddress)
        else { return result }
        // A report no delivery matched, about an address an erasure keeps blocked: recording it, as a suppression
        // or a bounce, would bring the erased person's address back in clear.
        if delivery == nil, let erasing = deps.store as? any ContactErasureStore, try await erasing.listsErasedAddress(address) {
            result.outcome = "erased"
            return result
        }
        let now = deps.now()
        switch feedback.kind {
        case .hardBounce, .softBounce:
            let record = BounceRecord(
                kind: feedback.kind == .hardBounce ? .hard : .soft, address: address, deliveryId: delivery?.deliveryId,
                status: feedback.status, source: feedback.source, contactId: delivery?.contactId)
            let recorded = try await bounces.recordBounce(record, rule: rule, at: now)
            if recorded.erased {
                result.outcome = "erased"
            } else if feedback.kind == .softBounce {
                result.softBounces = recorded.softBounces
                result.outcome = recorded.suppressed ? "suppressed" : recorded.softBounces >= rule.threshold ? "already_suppressed" : "counted"
            } else {
                result.outcome = recorded.suppressed || recorded.deliveryFailed ? "suppressed" : "already_suppressed"
            }
        case .complaint:
            if let delivery {
                let recorded = try await recordComplaint(feedback, delivery: delivery, channelId: channelId, at: now)
                result.outcome = recorded ? "revoked" : "erased"
            } else if let list = deps.store as? any SuppressionStore {
                // An ESP's complaint about an address we cannot tie to a contact: never mail it again.
                let added = try await list.addSuppressions(
                    [SuppressionEntry(address: address, reason: "complaint", note: "spam report (\(feedback.source))")],
                    actor: "complaint:\(feedback.source)", at: now)
                result.outcome = added.first == true ? "suppressed" : "already_suppressed"
            }
        }
        return result
    }

    /// Whether an ESP's report names, by the Message-ID Herald gave it (`delivery-<id>.<token>@…`), a delivery
    /// of this channel whose contact was erased. An erasure blanks the delivery's stored Message-ID, so such a
    /// report matches nothing, and since an ESP speaks for the address it reports, it would put the erased
    /// address back on the suppression list. The id in the Message-ID only ever stops a write here.
    private func namesErasedDelivery(_ messageIds: [String], bounces: any BounceStore, channelId: String) async throws
        -> Bool
    {
        for messageId in messageIds {
            guard let id = Self.deliveryId(inMessageId: messageId),
                let found = try await bounces.bouncedDelivery(id: id), found.channel == .email,
                found.instance == nil || found.instance == channelId
            else { continue }
            if try await deps.store.contact(id: found.contactId) == nil { return true }
        }
        return false
    }

    /// The delivery id of a Message-ID Herald wrote (`SMTPDriver`), or nil for any other.
    static func deliveryId(inMessageId messageId: String) -> Int64? {
        guard messageId.hasPrefix("delivery-"), let dot = messageId.firstIndex(of: ".") else { return nil }
        return Int64(messageId[messageId.index(messageId.startIndex, offsetBy: 9)..<dot])
    }

    /// A spam report revokes the contact's email marketing consent, with the report as evidence; false when the
    /// contact was erased meanwhile (nothing recorded).
    private func recordComplaint(_ feedback: EmailFeedback, delivery: BouncedDelivery, channelId: String, at now: Date)
        async throws -> Bool
    {
        var evidence: [String: JSONValue] = [
            "channel_id": .string(channelId), "delivery_id": .number(Double(delivery.deliveryId)),
            "reported_by": .string(feedback.source),
        ]
        if let status = feedback.status { evidence["feedback_type"] = .string(status) }
        let input = ConsentInput(
            contactId: delivery.contactId, channel: ChannelKind.email.rawValue, topic: "*", status: .revoked,
            source: "complaint", evidence: .object(evidence), actor: "recipient", occurredAt: now)
        // Both stores keep the ledger this way; one that does not records no complaint.
        guard let ledger = deps.store as? any ConsentImportStore else { return false }
        let revocation = DeliveryRevocation(deliveryId: delivery.deliveryId, input: input)
        return !(try await ledger.recordDeliveryRevocations([revocation], at: now)).isEmpty
    }
}

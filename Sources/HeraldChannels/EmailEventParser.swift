import Crypto
import Foundation
import HeraldCore

/// Turns one ESP webhook post into bounces and complaints, per its `EmailEventProfile`. Pure (SNS
/// signatures, which need a certificate fetched, are checked before by `SNSVerifier`).
public struct EmailEventParser: Sendable {
    public var profile: EmailEventProfile

    public init(profile: EmailEventProfile) { self.profile = profile }

    /// Throws `invalid_inbound` (400) for a body that is not the JSON the profile reads.
    public func parse(_ body: [UInt8]) throws(HeraldError) -> [EmailFeedback] {
        guard var root = ProfileJSONPath.parse(body) else {
            throw HeraldError(code: "invalid_inbound", message: "expected a JSON body", field: "body")
        }
        if let unwrap = profile.unwrap {
            guard let text = EmailEventPath.values(unwrap, in: root).first.flatMap(ProfileJSONPath.text),
                let inner = ProfileJSONPath.parse(Array(text.utf8))
            else { throw HeraldError(code: "invalid_inbound", message: "\(unwrap) does not hold a JSON event", field: "body") }
            root = inner
        }
        let events = profile.items.map { EmailEventPath.values($0 + ".*", in: root) } ?? [root]
        return events.flatMap(feedback(for:))
    }

    private func feedback(for event: JSONValue) -> [EmailFeedback] {
        guard let rule = profile.rules.first(where: { matches($0, event) }), rule.outcome != .ignore,
            let path = rule.recipients ?? profile.recipients
        else { return [] }
        let kind: EmailFeedback.Kind =
            switch rule.outcome {
            case .hardBounce: .hardBounce
            case .softBounce: .softBounce
            default: .complaint
            }
        let status = rule.status.flatMap { EmailEventPath.values($0, in: event).first.flatMap(ProfileJSONPath.text) }
        let messageIds = profile.messageId.map { EmailEventPath.values($0, in: event).compactMap(ProfileJSONPath.text) }?
            .compactMap(DeliveryReportParser.messageId) ?? []
        return EmailEventPath.values(path, in: event).compactMap(ProfileJSONPath.text).map { recipient in
            EmailFeedback(
                kind: kind, recipient: recipient.trimmingCharacters(in: .whitespaces), status: status, source: profile.id,
                messageIds: messageIds, vouchesForRecipient: true)
        }
    }

    private func matches(_ rule: EmailEventProfile.Rule, _ event: JSONValue) -> Bool {
        rule.when.allSatisfy { path, allowed in
            EmailEventPath.values(path, in: event).compactMap(ProfileJSONPath.text).contains { allowed.values.contains($0) }
        }
    }

    /// Mailgun signs each post: `signature.signature` = hex HMAC-SHA256(signing key, timestamp + token).
    /// Returns the signed timestamp and token, for `MailgunReplayGuard`.
    @discardableResult
    public static func verifyMailgun(_ body: [UInt8], signingKey: String) throws(HeraldError) -> (timestamp: String, token: String) {
        guard let root = ProfileJSONPath.parse(body), let signature = root["signature"],
            let timestamp = signature["timestamp"].flatMap(ProfileJSONPath.text),
            let token = signature["token"].flatMap(ProfileJSONPath.text),
            let given = signature["signature"].flatMap(ProfileJSONPath.text)
        else { throw HeraldError(code: "forbidden", message: "the Mailgun signature is missing", statusCode: 403) }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array((timestamp + token).utf8), using: SymmetricKey(data: Array(signingKey.utf8)))
        let expected = Hex.string(mac)
        guard constantTimeEqual(Array(expected.utf8), Array(given.lowercased().utf8)) else {
            throw HeraldError(code: "forbidden", message: "the Mailgun signature does not match", statusCode: 403)
        }
        return (timestamp, token)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Dotted paths like `ProfileJSONPath`'s, where a `*` segment walks every element of an array.
enum EmailEventPath {
    static func values(_ path: String, in root: JSONValue) -> [JSONValue] {
        var current: [JSONValue] = [root]
        for segment in ProfileJSONPath.segments(path) where segment != "$" {
            current = current.flatMap { value -> [JSONValue] in
                if segment == "*" {
                    if case .array(let elements) = value { return elements }
                    return []
                }
                return ProfileJSONPath.lookup([segment], in: value).map { [$0] } ?? []
            }
        }
        return current
    }
}

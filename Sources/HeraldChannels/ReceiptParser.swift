import Foundation
import HeraldCore

/// An inbound provider request (`POST /v1/inbound/{channel_id}`) as the HTTP layer hands it over.
public struct InboundRequest: Sendable, Hashable {
    public var contentType: String?
    public var body: [UInt8]
    /// Raw query string (without `?`), if any: Kannel and some Vonage set-ups report by GET query.
    public var query: String?

    public init(contentType: String?, body: [UInt8], query: String? = nil) {
        self.contentType = contentType
        self.body = body
        self.query = query
    }
}

public enum InboundEvent: Sendable, Hashable {
    /// A delivery receipt for a message we sent.
    case receipt(providerMessageId: String, state: DeliveryState)
    /// A reply from a user (SMS MO, bot message); `from` is an address in Herald's form (`telegram:42`).
    case inboundText(from: String, text: String)
    /// Understood, but nothing to record (an intermediate status such as `sent` or `read`-less updates).
    case ignored(String)
}

/// Pure: turns an inbound request into a receipt or an inbound reply, per the profile.
public struct ReceiptParser: Sendable {
    public var profile: Profile

    public init(profile: Profile) { self.profile = profile }

    /// Throws `HeraldError` (`invalid_inbound`, 400) when the body cannot be read the way the profile says.
    public func parse(_ request: InboundRequest) throws -> InboundEvent {
        if let inbound = profile.inbound {
            let fields = try Fields(request, encoding: inbound.encoding)
            if let text = fields.value(inbound.text), let from = fields.value(inbound.from) {
                return .inboundText(from: address(from, of: inbound), text: text)
            }
        }
        guard let receipts = profile.receipts else {
            return .ignored("profile \(profile.id) reads no receipts and this is not a reply")
        }
        let fields = try Fields(request, encoding: receipts.encoding)
        guard let id = fields.value(receipts.messageId), let status = fields.value(receipts.status) else {
            return .ignored("no message id or status")
        }
        if receipts.delivered.contains(status) { return .receipt(providerMessageId: id, state: .delivered) }
        if receipts.failed.contains(status) { return .receipt(providerMessageId: id, state: .failed) }
        return .ignored("status \(status) is not final")
    }

    private func address(_ raw: String, of inbound: Profile.InboundSpec) -> String {
        var sender = raw
        let digits = !sender.isEmpty && sender.allSatisfy(\.isASCIIDigit)
        switch inbound.fromFormat ?? .raw {
        case .raw:
            break
        case .e164:
            if digits { sender = "+" + sender }
        case .national:
            guard digits else { break }
            if sender.hasPrefix("00") {
                sender = "+" + sender.dropFirst(2)
            } else if sender.hasPrefix("0") {
                if let code = inbound.fromCountryCode { sender = "+" + code + sender.dropFirst() }
            } else {
                sender = "+" + sender
            }
        }
        return profile.addressPrefix + sender
    }

    /// Body fields by path, falling back to the query string.
    struct Fields {
        var json: JSONValue?
        var form: [String: String] = [:]
        var query: [String: String]

        init(_ request: InboundRequest, encoding: Profile.BodyEncoding) throws {
            query = PercentEncoding.formDecode(request.query ?? "")
            switch encoding {
            case .json:
                guard !request.body.isEmpty else { return }
                guard let parsed = ProfileJSONPath.parse(request.body) else {
                    throw HeraldError(code: "invalid_inbound", message: "expected a JSON body", field: "body")
                }
                json = parsed
            case .form:
                form = PercentEncoding.formDecode(String(decoding: request.body, as: UTF8.self))
            case .query:
                break
            }
        }

        func value(_ path: String) -> String? {
            if let json, let found = ProfileJSONPath.lookup(path, in: json).flatMap(ProfileJSONPath.text) {
                return found
            }
            return form[path] ?? query[path]
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

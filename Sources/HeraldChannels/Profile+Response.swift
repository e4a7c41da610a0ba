import Foundation
import HeraldCore

extension Profile {
    public enum ResponseFormat: String, Sendable, Hashable, Decodable { case json, text }

    public struct ResponseSpec: Sendable, Hashable, Decodable {
        public var format: ResponseFormat?
        public var messageId: MessageIdSpec?
        /// Ordered; the first rule that matches decides. Nothing matched → `otherwise`, or the built-in
        /// fallback (2xx sent, 408/429/5xx retry, anything else permanent).
        public var classify: [ClassifyRule]
        public var otherwise: AttemptOutcome?

        enum CodingKeys: String, CodingKey {
            case format, classify, otherwise
            case messageId = "message_id"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            format = try c.decodeIfPresent(ResponseFormat.self, forKey: .format)
            messageId = try c.decodeIfPresent(MessageIdSpec.self, forKey: .messageId)
            classify = try c.decodeIfPresent([ClassifyRule].self, forKey: .classify) ?? []
            otherwise = try c.decodeIfPresent(AttemptOutcome.self, forKey: .otherwise)
        }
    }

    /// Exactly one of: a JSON path into the response, a regex whose first group is the id (text bodies),
    /// or a template (`{{delivery_id}}`) for gateways that report receipts against an id we chose.
    public struct MessageIdSpec: Sendable, Hashable, Decodable {
        public var path: String?
        public var regex: String?
        public var value: String?
    }

    public struct ClassifyRule: Sendable, Hashable, Decodable {
        public var status: StatusSet?
        /// JSON path → expected value (or list of accepted values), compared as text.
        public var json: [String: JSONValue]?
        public var bodyContains: String?
        public var outcome: AttemptOutcome
        public var retryAfter: ValueSource?
        /// A short, fixed description stored with the attempt; provider text is never copied.
        public var reason: String?

        enum CodingKeys: String, CodingKey {
            case status, json, outcome, reason
            case bodyContains = "body_contains"
            case retryAfter = "retry_after"
        }
    }

    /// Where a value is read from: a response header or a JSON path.
    public struct ValueSource: Sendable, Hashable, Decodable {
        public var header: String?
        public var path: String?
    }

    /// How delivery receipts posted to `/v1/inbound/{channel_id}` are read.
    public struct ReceiptSpec: Sendable, Hashable, Decodable {
        public var encoding: BodyEncoding
        public var messageId: String
        public var status: String
        public var delivered: [String]
        public var failed: [String]

        enum CodingKeys: String, CodingKey {
            case encoding, status, delivered, failed
            case messageId = "message_id"
        }
    }

    /// How inbound replies (SMS MO, bot updates) are read, so STOP can be detected.
    public struct InboundSpec: Sendable, Hashable, Decodable {
        public enum FromFormat: String, Sendable, Hashable, Decodable { case raw, e164, national }
        public var encoding: BodyEncoding
        public var from: String
        public var text: String
        /// `e164` puts a `+` before an all-digit sender (WhatsApp, Vonage send `989121234567`). `national` also
        /// reads a sender in its country's national form (`09121234567` → `+989121234567`, with
        /// `fromCountryCode` 98; `00…` → `+…`): a STOP from Kavenegar, which sends that form, matched no contact.
        public var fromFormat: FromFormat?
        /// The calling code a `national` sender's leading 0 stands for.
        public var fromCountryCode: String?

        enum CodingKeys: String, CodingKey {
            case encoding, from, text
            case fromFormat = "from_format"
            case fromCountryCode = "from_country_code"
        }
    }
}

/// HTTP status codes a rule matches: `429`, `"500-599"`, `"4xx"`, or a list of those.
public struct StatusSet: Sendable, Hashable, Decodable {
    public var ranges: [ClosedRange<Int>]

    public func contains(_ status: Int) -> Bool { ranges.contains { $0.contains(status) } }

    public init(ranges: [ClosedRange<Int>]) { self.ranges = ranges }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let code = try? container.decode(Int.self) {
            ranges = [code...code]
        } else if let text = try? container.decode(String.self), let parsed = Self.parse(text) {
            ranges = parsed
        } else if let list = try? container.decode([StatusSet].self) {
            ranges = list.flatMap(\.ranges)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a status like 429, \"500-599\" or \"4xx\"")
        }
    }

    static func parse(_ text: String) -> [ClosedRange<Int>]? {
        var result: [ClosedRange<Int>] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if part.count == 3, part.hasSuffix("xx"), let hundred = Int(part.prefix(1)) {
                result.append(hundred * 100...hundred * 100 + 99)
            } else if let dash = part.firstIndex(of: "-"), let low = Int(part[..<dash]),
                let high = Int(part[part.index(after: dash)...]), low <= high
            {
                result.append(low...high)
            } else if let code = Int(part) {
                result.append(code...code)
            } else {
                return nil
            }
        }
        return result.isEmpty ? nil : result
    }
}

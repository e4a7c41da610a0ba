import Foundation
import HeraldChannels
import HeraldCore

/// The repository's `channels/` folder, found from this file so tests need no resources.
enum ChannelsFolder {
    static let url: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("channels")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path)
                && FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
            {
                return candidate
            }
        }
        fatalError("channels/ not found above \(#filePath)")
    }()

    static let profileIds = [
        "generic-json", "twilio", "vonage", "kannel", "jasmin", "kavenegar", "telegram", "bale",
        "whatsapp", "whatsapp-template",
    ]

    static func fixtureFiles(_ profile: String, prefix: String) throws -> [URL] {
        let dir = url.appendingPathComponent(profile).appendingPathComponent("fixtures")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
            .map { dir.appendingPathComponent($0) }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ file: URL) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: file))
    }
}

/// `fixtures/instance.json`: the options and secrets the fixtures were recorded with.
struct InstanceFixture: Decodable {
    var options: [String: String]
    var secrets: [String: String]
}

/// `fixtures/send-*.json`: what we send, what the provider answered, what Herald concludes.
struct SendFixture: Decodable {
    struct Message: Decodable {
        var address: String
        var text: String
        var deliveryId: Int64
        var idempotencyKey: String
        enum CodingKeys: String, CodingKey {
            case address, text
            case deliveryId = "delivery_id"
            case idempotencyKey = "idempotency_key"
        }
    }
    struct ExpectedRequest: Decodable {
        var method: String
        var path: String
        var query: [String: String]?
        var headers: [String: String]?
        var body: [String: JSONValue]?
        var absent: [String]?
    }
    struct Reply: Decodable {
        var status: Int
        var headers: [String: String]?
        var body: JSONValue?
    }
    struct Expect: Decodable {
        var outcome: AttemptOutcome
        var providerMessageId: String?
        var retryAfter: Double?
        enum CodingKeys: String, CodingKey {
            case outcome
            case providerMessageId = "provider_message_id"
            case retryAfter = "retry_after"
        }
    }
    var description: String
    var message: Message
    var request: ExpectedRequest
    var response: Reply
    var expect: Expect

    var outbound: OutboundMessage {
        let kind: ChannelKind = message.address.contains(":") ? .messenger : .sms
        return OutboundMessage(
            deliveryId: message.deliveryId, jobId: 7, contactId: "c-1", channel: kind, purpose: .transactional,
            topic: nil, addresses: [message.address],
            content: kind == .sms ? .sms(text: message.text) : .messenger(text: message.text), unsubscribeURL: nil,
            idempotencyKey: message.idempotencyKey, attempt: 1)
    }

    /// Text bodies are stored as JSON strings; anything else is sent as JSON.
    var scriptedReply: ScriptedReply {
        let bytes: [UInt8] =
            switch response.body {
            case .string(let text): Array(text.utf8)
            case .none: []
            case .some(let json): Array((try? JSONEncoder().encode(json)) ?? Data())
            }
        return ScriptedReply(status: response.status, headers: response.headers ?? [:], body: bytes)
    }
}

/// `fixtures/receipt-*.json` and `inbound-*.json`: a provider callback and what it means.
struct InboundFixture: Decodable {
    struct Inbound: Decodable {
        var contentType: String?
        var body: JSONValue
        var query: String?
        enum CodingKeys: String, CodingKey {
            case body, query
            case contentType = "content_type"
        }
    }
    struct Expect: Decodable {
        struct Receipt: Decodable {
            var providerMessageId: String
            var state: DeliveryState
            enum CodingKeys: String, CodingKey {
                case state
                case providerMessageId = "provider_message_id"
            }
        }
        struct Text: Decodable {
            var from: String
            var text: String
        }
        var receipt: Receipt?
        var inboundText: Text?
        var ignored: Bool?
        enum CodingKeys: String, CodingKey {
            case receipt, ignored
            case inboundText = "inbound_text"
        }
    }
    var description: String
    var inbound: Inbound
    var expect: Expect

    var request: InboundRequest {
        let bytes: [UInt8] =
            switch inbound.body {
            case .string(let text): Array(text.utf8)
            case .null: []
            default: Array((try? JSONEncoder().encode(inbound.body)) ?? Data())
            }
        return InboundRequest(contentType: inbound.contentType, body: bytes, query: inbound.query)
    }
}

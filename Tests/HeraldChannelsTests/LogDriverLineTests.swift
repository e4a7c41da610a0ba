import Foundation
import HeraldCore
import Testing

@testable import HeraldChannels

/// The log channel's line is written byte by byte for speed; it must stay exactly the object `FastJSON`
/// writes for the same members (sorted keys, same escaping), which is what readers of the outbox parse.
@Suite struct LogDriverLineTests {
    static let contents: [RenderedContent] = [
        .sms(text: "سلام \"دوست\"\n\tکد ۱۲۳۴ \u{1}"),
        .messenger(text: "Привет"),
        .email(subject: "Hi <b>", text: "plain \\ text", html: "<p>hi</p>"),
        .email(subject: "No HTML", text: "text", html: nil),
        .push(title: "Title", body: "Body 😀", data: ["z": "last", "a": "first \"q\"", "m": ""]),
        .push(title: "Empty data", body: "b", data: [:]),
    ]

    @Test(arguments: contents) func lineIsWhatTheGenericWriterWrites(_ content: RenderedContent) throws {
        let at = Date(milliseconds: 1_796_000_123_456)
        for unsubscribe in [nil, "https://h.example/u?t=a\"b"] as [String?] {
            let message = OutboundMessage(
                deliveryId: 9_007_199_254, jobId: 42, contactId: "c-\u{7}1", channel: .sms, purpose: .marketing,
                topic: nil, addresses: ["+15550100", "x\"y"], content: content, unsubscribeURL: unsubscribe,
                idempotencyKey: "herald-9007199254-1", attempt: 1)
            let line = String(decoding: LogDriver.line(message, instance: "log-1", at: at), as: UTF8.self)
            #expect(line == Self.generic(message, instance: "log-1", at: at))
            // And any JSON reader takes it.
            #expect(try JSONSerialization.jsonObject(with: Data(line.utf8)) is [String: Any])
        }
    }

    /// A batch is written as one append: one line per message, in order, each answered `sent`.
    @Test func aBatchWritesOneLinePerMessageInOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("log-batch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("outbox.ndjson").path
        let driver = try LogDriver(id: "log-1", kind: .sms, path: path)
        let batch = (1...250).map { id in
            OutboundMessage(
                deliveryId: Int64(id), jobId: 7, contactId: "c\(id)", channel: .sms, purpose: .transactional, topic: nil,
                addresses: ["+1555010\(id)"], content: .sms(text: "code \(id)"), unsubscribeURL: nil,
                idempotencyKey: "herald-\(id)-1", attempt: 1)
        }
        let results = await driver.send(batch: batch, concurrency: 1)
        #expect(results.map(\.outcome) == Array(repeating: .sent, count: 250))
        #expect(results.map(\.providerMessageId) == batch.map { "log-\($0.deliveryId)" })
        // The append is timed: attempts and the provider-latency histogram get a real figure.
        #expect(results.allSatisfy { $0.latency != nil })
        #expect(driver.capsOwnConcurrency)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 250)
        let ids = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["delivery_id"] as? Int
        }
        #expect(ids == Array(1...250))
    }

    static func generic(_ message: OutboundMessage, instance: String, at: Date) -> String {
        var content: [String: JSONValue] = [:]
        switch message.content {
        case .email(let subject, let text, let html):
            content["subject"] = .string(subject)
            content["text"] = .string(text)
            if let html { content["html"] = .string(html) }
        case .sms(let text), .messenger(let text):
            content["text"] = .string(text)
        case .push(let title, let body, let data):
            content["title"] = .string(title)
            content["body"] = .string(body)
            content["data"] = .object(data.mapValues(JSONValue.string))
        }
        var object: [String: JSONValue] = [
            "at": .string(FastJSON.timestamp(at)), "instance": .string(instance),
            "delivery_id": .number(Double(message.deliveryId)), "job_id": .number(Double(message.jobId)),
            "contact_id": .string(message.contactId), "channel": .string(message.channel.rawValue),
            "to": .array(message.addresses.map(JSONValue.string)), "content": .object(content),
            "idempotency_key": .string(message.idempotencyKey),
        ]
        if let url = message.unsubscribeURL { object["unsubscribe_url"] = .string(url) }
        var out = ""
        FastJSON.append(.object(object), to: &out)
        return out + "\n"
    }
}

import Foundation
import HeraldCore
import Synchronization

/// The zero-config channel: appends what it would send, one JSON object per line, to a local file.
/// Useful for trying Herald out and for measuring the engine without a provider in the way.
public final class LogDriver: ChannelDriver {
    public let id: String
    public let kind: ChannelKind
    private let handle: Mutex<FileHandle>
    private let path: String

    public init(id: String, kind: ChannelKind, path: String) throws {
        self.id = id
        self.kind = kind
        self.path = path
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        self.handle = Mutex(handle)
    }

    public func send(_ message: OutboundMessage) async -> SendResult {
        let line = Self.line(message, instance: id, at: Date())
        do {
            try handle.withLock { try $0.write(contentsOf: Data(line.utf8)) }
            return .sent(id: "log-\(message.deliveryId)")
        } catch {
            return SendResult(outcome: .retry, error: "log file not writable")
        }
    }

    public func check() async -> ChannelCheck {
        let writable = FileManager.default.isWritableFile(atPath: path)
        return ChannelCheck(instance: id, ok: writable, detail: writable ? "writes to \(path)" : "\(path) is not writable")
    }

    /// One NDJSON line: what would have been sent, to whom, with which idempotency key.
    static func line(_ message: OutboundMessage, instance: String, at: Date) -> String {
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
        out.append("\n")
        return out
    }
}

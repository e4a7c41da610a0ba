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
        await send(batch: [message], concurrency: 1)[0]
    }

    /// A whole batch is one append: a task and a `write` per message cost more than writing the lines.
    /// A failed append is cut back to where it started, so a retry never follows a torn line.
    public func send(batch: [OutboundMessage], concurrency: Int) async -> [SendResult] {
        let started = ContinuousClock.now
        let at = Date()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(batch.count * 256)
        for message in batch { Self.appendLine(message, instance: id, at: at, to: &bytes) }
        let written: Bool = handle.withLock { file in
            guard let start = try? file.offset() else { return false }
            do {
                try file.write(contentsOf: bytes)
                return true
            } catch {
                try? file.truncate(atOffset: start)
                return false
            }
        }
        let latency = ContinuousClock.now - started
        return batch.map { message in
            var result = written
                ? SendResult.sent(id: "log-\(message.deliveryId)") : SendResult(outcome: .retry, error: "log file not writable")
            result.latency = latency
            return result
        }
    }

    /// Nothing is in flight to cap: the dispatcher may hand over whole batches.
    public var capsOwnConcurrency: Bool { true }

    public func check() async -> ChannelCheck {
        let writable = FileManager.default.isWritableFile(atPath: path)
        return ChannelCheck(instance: id, ok: writable, detail: writable ? "writes to \(path)" : "\(path) is not writable")
    }

    /// One NDJSON line: what would have been sent, to whom, with which idempotency key. Keys in sorted
    /// order, as `FastJSON` writes an object; built as bytes because this runs for every message.
    static func line(_ message: OutboundMessage, instance: String, at: Date) -> [UInt8] {
        var out: [UInt8] = []
        appendLine(message, instance: instance, at: at, to: &out)
        return out
    }

    static func appendLine(_ message: OutboundMessage, instance: String, at: Date, to out: inout [UInt8]) {
        out += #"{"at":""#.utf8
        FastJSON.appendTimestamp(at, to: &out)
        out += #"","channel":"#.utf8
        FastJSON.appendString(message.channel.rawValue, to: &out)
        out += #","contact_id":"#.utf8
        FastJSON.appendString(message.contactId, to: &out)
        out += #","content":{"#.utf8
        func member(_ key: String, _ value: String, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            FastJSON.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            FastJSON.appendString(value, to: &out)
        }
        switch message.content {
        case .email(let subject, let text, let html):
            if let html { member("html", html, first: true) }
            member("subject", subject, first: html == nil)
            member("text", text)
        case .sms(let text), .messenger(let text):
            member("text", text, first: true)
        case .push(let title, let body, let data):
            member("body", body, first: true)
            out += #","data":{"#.utf8
            for (index, key) in data.keys.sorted().enumerated() { member(key, data[key]!, first: index == 0) }
            out.append(UInt8(ascii: "}"))
            member("title", title)
        }
        out += #"},"delivery_id":"#.utf8
        FastJSON.appendInteger(message.deliveryId, to: &out)
        out += #","idempotency_key":"#.utf8
        FastJSON.appendString(message.idempotencyKey, to: &out)
        out += #","instance":"#.utf8
        FastJSON.appendString(instance, to: &out)
        out += #","job_id":"#.utf8
        FastJSON.appendInteger(message.jobId, to: &out)
        out += #","to":["#.utf8
        for (index, address) in message.addresses.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            FastJSON.appendString(address, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        if let url = message.unsubscribeURL {
            out += #","unsubscribe_url":"#.utf8
            FastJSON.appendString(url, to: &out)
        }
        out += "}\n".utf8
    }
}

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

    private struct Line: Encodable {
        var at: Date
        var instance: String
        var deliveryId: Int64
        var jobId: Int64
        var contactId: String
        var channel: ChannelKind
        var to: [String]
        var content: LoggedContent
        var unsubscribeUrl: String?
        var idempotencyKey: String
    }

    private struct LoggedContent: Encodable {
        var subject: String?
        var text: String?
        var html: String?
        var title: String?
        var body: String?
        var data: [String: String]?

        init(_ content: RenderedContent) {
            switch content {
            case .email(let subject, let text, let html):
                self.subject = subject
                self.text = text
                self.html = html
            case .sms(let text), .messenger(let text):
                self.text = text
            case .push(let title, let body, let data):
                self.title = title
                self.body = body
                self.data = data
            }
        }
    }

    public func send(_ message: OutboundMessage) async -> SendResult {
        let line = Line(
            at: Date(), instance: id, deliveryId: message.deliveryId, jobId: message.jobId,
            contactId: message.contactId, channel: message.channel, to: message.addresses,
            content: LoggedContent(message.content), unsubscribeUrl: message.unsubscribeURL,
            idempotencyKey: message.idempotencyKey)
        do {
            var data = try HeraldJSON.encoder().encode(line)
            data.append(0x0A)
            try handle.withLock { try $0.write(contentsOf: data) }
            return .sent(id: "log-\(message.deliveryId)")
        } catch {
            return SendResult(outcome: .retry, error: "log file not writable")
        }
    }

    public func check() async -> ChannelCheck {
        let writable = FileManager.default.isWritableFile(atPath: path)
        return ChannelCheck(instance: id, ok: writable, detail: writable ? "writes to \(path)" : "\(path) is not writable")
    }
}

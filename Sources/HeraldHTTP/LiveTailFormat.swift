import Foundation
import HeraldCore
import HeraldEngine

/// Incremental Server-Sent Events parser for the live-tail client: feed it bytes as they arrive, get back
/// complete frames. Comments (lines starting with ":") are returned too, so a client can show them.
public struct SSEParser: Sendable {
    public struct Frame: Sendable, Hashable {
        public var event: String
        public var data: String
        public var id: String?
        public var comment: String?
    }

    private var pending = ""
    private var event = ""
    private var data: [String] = []
    private var id: String?

    public init() {}

    public mutating func feed(_ text: String) -> [Frame] {
        pending += text
        var frames: [Frame] = []
        while let newline = pending.firstIndex(of: "\n") {
            let line = String(pending[..<newline]).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            pending = String(pending[pending.index(after: newline)...])
            if line.isEmpty {
                if !data.isEmpty { frames.append(Frame(event: event.isEmpty ? "message" : event, data: data.joined(separator: "\n"), id: id)) }
                event = ""
                data = []
                id = nil
            } else if line.hasPrefix(":") {
                frames.append(Frame(event: "comment", data: "", comment: String(line.dropFirst()).trimmingCharacters(in: .whitespaces)))
            } else {
                let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let field = String(parts[0])
                let value = parts.count > 1 ? String(parts[1].drop { $0 == " " }) : ""
                switch field {
                case "event": event = value
                case "data": data.append(value)
                case "id": id = value
                default: break
                }
            }
        }
        return frames
    }
}

/// How `herald deliveries tail` prints one event: time, delivery, job, channel, state, reason, detail.
public enum LiveTailFormat {
    public static func line(_ event: DeliveryEvent) -> String {
        var parts = [
            Timestamp.format(event.at), event.deliveryId.map { "delivery \($0)" } ?? "delivery (new)", "job \(event.jobId)",
            "contact \(event.contactId)", event.instance.map { "\(event.channel.rawValue)/\($0)" } ?? event.channel.rawValue,
            event.state.rawValue.uppercased(),
        ]
        if let reason = event.reason { parts.append("(\(reason.rawValue))") }
        if let notBefore = event.notBefore { parts.append("not before \(Timestamp.format(notBefore))") }
        if let detail = event.detail { parts.append("– \(detail)") }
        return parts.joined(separator: "  ")
    }

    /// The text for one SSE frame, or nil for frames a reader need not see (keep-alives).
    public static func render(_ frame: SSEParser.Frame) -> String? {
        switch frame.event {
        case "delivery":
            guard let event = try? HeraldJSON.decoder().decode(DeliveryEvent.self, from: Data(frame.data.utf8)) else {
                return frame.data
            }
            return line(event)
        case "dropped":
            return "… \(frame.data) — this terminal fell behind; events were skipped"
        default:
            return nil
        }
    }
}

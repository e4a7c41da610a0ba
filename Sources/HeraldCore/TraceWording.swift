import Foundation

/// A trace line's text, or the parts a decision's most frequent lines are made of. Policy decisions run
/// millions of times and most are stored at once, so those lines are written straight into the stored JSON
/// (`write(to:)`) and never built as a `String` unless someone reads `text`.
package enum TraceWording: Sendable {
    case text(String)
    /// "<prefix>#12 (sms, newsletter) granted via web_form": a ledger event, read from the facts in place.
    case consentRecord(prefix: StaticString, events: [ConsentEvent], index: Int)
    /// "<label>a***@example.com (+1 more)": an address, masked as it is written.
    case maskedAddress(label: StaticString, address: String, others: Int)
    /// "<prefix>2026-03-08 03:00 Sun Europe/London": a moment on a contact's local clock.
    case localTime(prefix: StaticString, clock: any TraceClock, date: Date)

    package var text: String {
        if case .text(let text) = self { return text }
        var bytes: [UInt8] = []
        write(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the line's UTF-8 bytes, unescaped.
    package func write(to bytes: inout [UInt8]) {
        switch self {
        case .text(let text):
            bytes.append(contentsOf: text.utf8)
        case .consentRecord(let prefix, let events, let index):
            append(prefix, to: &bytes)
            bytes.append(UInt8(ascii: "#"))
            bytes.append(contentsOf: String(events[index].id).utf8)
            bytes.append(contentsOf: " (".utf8)
            bytes.append(contentsOf: events[index].channel.utf8)
            bytes.append(contentsOf: ", ".utf8)
            bytes.append(contentsOf: events[index].topic.utf8)
            bytes.append(contentsOf: (events[index].status == .granted ? ") granted via " : ") revoked via ").utf8)
            bytes.append(contentsOf: events[index].source.utf8)
        case .maskedAddress(let label, let address, let others):
            append(label, to: &bytes)
            Redaction.appendMasked(address, to: &bytes)
            if others > 0 { bytes.append(contentsOf: " (+\(others) more)".utf8) }
        case .localTime(let prefix, let clock, let date):
            append(prefix, to: &bytes)
            clock.appendLocalTime(of: date, to: &bytes)
        }
    }

    private func append(_ text: StaticString, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

/// A contact's local clock, as a trace line spells a moment on it.
package protocol TraceClock: AnyObject, Sendable {
    /// "2026-03-08 03:00 Sun Europe/London"
    func appendLocalTime(of date: Date, to bytes: inout [UInt8])
}

import Foundation

/// Hand-written JSON for the hot path (fan-out and claims touch every contact and trace): Foundation's
/// Codable coders dominated the profile there. The output is the same JSON the Codable types read.
public enum FastJSON {
    // MARK: Writing

    /// Appends `text` as a JSON string literal. Most strings need no escaping and are copied whole.
    public static func appendString(_ text: String, to out: inout String) {
        if text.utf8.withContiguousStorageIfAvailable({ $0.contains(where: needsEscape) })
            ?? text.utf8.contains(where: needsEscape)
        {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count + 8)
            appendString(text, to: &bytes)
            out.append(String(decoding: bytes, as: UTF8.self))
        } else {
            out.append("\"")
            out.append(text)
            out.append("\"")
        }
    }

    /// The same literal as bytes: traces and log lines are built as bytes, since appending to a `String`
    /// piece by piece cost more than the JSON itself.
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Native strings scan their bytes in place; the index-by-index walk is several times slower.
        if text.utf8.withContiguousStorageIfAvailable({ appendEscaped($0, to: &out) }) == nil {
            appendEscaped(Array(text.utf8), to: &out)
        }
        out.append(0x22)
    }

    /// The same literal, of UTF-8 bytes written elsewhere (a trace line formatted straight into a scratch buffer).
    public static func appendString(utf8 bytes: [UInt8], to out: inout [UInt8]) {
        out.append(0x22)
        appendEscaped(bytes, to: &out)
        out.append(0x22)
    }

    private static func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }

    /// Whether any byte needs escaping, eight at a time: nearly every string written needs none, and the byte
    /// by byte scan was a quarter of writing a trace.
    private static func anyNeedsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (0x22 &* ones)
            let backslash = word ^ (0x5C &* ones)
            // A byte below 0x20, or one equal to `"` or `\` (a zero byte after the XOR): the classic word tests.
            let control = (word &- 0x20 &* ones) & ~word & highs
            let equal = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & highs
            if control | equal != 0 { return true }
            index += 8
        }
        while index < bytes.count {
            if needsEscape(bytes[index]) { return true }
            index += 1
        }
        return false
    }

    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard anyNeedsEscape(bytes) else {
            out.append(contentsOf: bytes)
            return
        }
        appendEscapedBytes(bytes, to: &out)
    }

    private static func appendEscaped(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendEscaped($0, to: &out) }
    }

    private static func appendEscapedBytes<Bytes: Collection<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in bytes {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case ..<0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
    }

    public static func append(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { out.append(String(Int64(n))) } else { out.append(String(n)) }
        case .decimal(let d): out.append(d.description)
        case .string(let s): appendString(s, to: &out)
        case .array(let items):
            out.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(",") }
                append(item, to: &out)
            }
            out.append("]")
        case .object(let members):
            out.append("{")
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(",") }
                appendString(key, to: &out)
                out.append(":")
                append(members[key]!, to: &out)
            }
            out.append("}")
        }
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-23T12:27:49.336Z`, without a formatter.
    public static func timestamp(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendTimestamp(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same timestamp, appended as bytes (no quotes).
    public static func appendTimestamp(_ date: Date, to out: inout [UInt8]) {
        let ms = date.millisecondsSince1970
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        let (year, month, day) = CivilCalendar.date(fromDays: Int(days))
        appendPadded(Int64(year), width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(Int64(month), width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(Int64(day), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendPadded(msOfDay / 3_600_000, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(msOfDay / 60_000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(msOfDay / 1000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(msOfDay % 1000, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// The last timestamp written and its text: the events of a published batch share their time, so a batch's
    /// frames format it once instead of once per event (a fifth of a frame's cost).
    public struct TimestampMemo {
        private var milliseconds = Int64.min
        private var text: [UInt8] = []

        public init() {}

        /// `appendTimestamp`'s text for `date`.
        public mutating func append(_ date: Date, to out: inout [UInt8]) {
            let ms = date.millisecondsSince1970
            if ms != milliseconds {
                text.removeAll(keepingCapacity: true)
                FastJSON.appendTimestamp(date, to: &text)
                milliseconds = ms
            }
            out.append(contentsOf: text)
        }
    }

    /// `n` in decimal, zero-filled on the left to `width` characters. The sign counts as a character and comes
    /// after the zeros (year -1 is `00-1`): consent digests hash these timestamps, and that is how they were
    /// always written.
    public static func appendPadded(_ n: Int64, width: Int, to out: inout [UInt8]) {
        var magnitude = n.magnitude
        // Digits from the last, each by a division by the constant 10 (a multiplication once compiled): a
        // trace writes a 13-digit time in every step that has one.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var start = 20
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            let characters = 20 - start + (n < 0 ? 1 : 0)
            if width > characters { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - characters)) }
            if n < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<20]))
        }
    }

    /// `n` in decimal, as `String(n)` writes it.
    public static func appendInteger(_ n: Int64, to out: inout [UInt8]) {
        appendPadded(n, width: 1, to: &out)
    }

    /// `n` in decimal (a sequence number).
    public static func appendInteger(_ n: UInt64, to out: inout [UInt8]) {
        if let signed = Int64(exactly: n) { appendPadded(signed, width: 1, to: &out) } else { out.append(contentsOf: String(n).utf8) }
    }
}

import Foundation

/// Hand-written JSON for the hot path (fan-out and claims touch every contact and trace): Foundation's
/// Codable coders dominated the profile there. The output is the same JSON the Codable types read.
public enum FastJSON {
    // MARK: Writing

    /// Appends `text` as a JSON string literal. Most strings need no escaping and are copied whole.
    public static func appendString(_ text: String, to out: inout String) {
        out.append("\"")
        let needsEscape = { (byte: UInt8) in byte < 0x20 || byte == 0x22 || byte == 0x5C }
        // Native strings scan their bytes in place; the index-by-index walk is several times slower.
        if text.utf8.withContiguousStorageIfAvailable({ $0.contains(where: needsEscape) })
            ?? text.utf8.contains(where: needsEscape)
        {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count + 8)
            for byte in text.utf8 {
                switch byte {
                case 0x22: bytes += [0x5C, 0x22]
                case 0x5C: bytes += [0x5C, 0x5C]
                case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
                case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
                case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
                case ..<0x20: bytes += Array(String(format: "\\u%04x", byte).utf8)
                default: bytes.append(byte)
                }
            }
            out.append(String(decoding: bytes, as: UTF8.self))
        } else {
            out.append(text)
        }
        out.append("\"")
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
        let ms = date.millisecondsSince1970
        var days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let msOfDay = ms - days * 86_400_000
        // Days → civil date (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ n: Int64, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(msOfDay / 3_600_000, 2)):"
            + "\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }
}

extension TraceStep {
    /// A trace as stored: a JSON array the Codable `TraceStep` reads back.
    public static func encode(_ steps: [TraceStep]) -> String {
        var out = "["
        out.reserveCapacity(steps.count * 96)
        for (i, step) in steps.enumerated() {
            if i > 0 { out.append(",") }
            if let at = step.at {
                out.append("{\"at\":\"")
                out.append(FastJSON.timestamp(at))
                out.append("\",")
            } else {
                out.append("{")
            }
            if let id = step.consentEventId {
                out.append("\"consent_event_id\":")
                out.append(String(id))
                out.append(",")
            }
            out.append("\"detail\":")
            FastJSON.appendString(step.detail, to: &out)
            out.append(",\"outcome\":")
            FastJSON.appendString(step.outcome, to: &out)
            out.append(",\"rule\":")
            FastJSON.appendString(step.rule, to: &out)
            out.append("}")
        }
        out.append("]")
        return out
    }
}

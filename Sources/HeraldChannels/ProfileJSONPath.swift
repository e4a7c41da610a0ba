import Foundation
import HeraldCore

/// Dotted paths into provider JSON: `sid`, `messages.0.message-id`, `entries[0].messageid`,
/// `entry.0.changes.0.value.statuses.0.id`. Numeric segments index arrays.
public enum ProfileJSONPath {
    /// `[` separates like `.`, `]` is dropped; empty segments are skipped.
    public static func segments(_ path: String) -> [String] {
        // Byte checks: with Foundation imported, `contains("]")` is a locale-aware string search, and
        // this runs for every provider answer.
        let isSeparator = { (byte: UInt8) in byte == UInt8(ascii: ".") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") }
        if !path.isEmpty, !path.utf8.contains(where: isSeparator) { return [path] }
        return path.split(whereSeparator: { $0 == "." || $0 == "[" }).compactMap { part in
            let segment = part.utf8.contains(UInt8(ascii: "]")) ? String(part.filter { $0 != "]" }) : String(part)
            return segment.isEmpty ? nil : segment
        }
    }

    public static func lookup(_ path: String, in root: JSONValue) -> JSONValue? {
        lookup(segments(path), in: root)
    }

    /// For paths split once, when the profile is loaded.
    static func lookup(_ segments: [String], in root: JSONValue) -> JSONValue? {
        var current = root
        for segment in segments {
            switch current {
            case .object(let members):
                guard let next = members[segment] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(segment), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Scalars as text (ids may be numbers: Kavenegar `messageid`, Telegram `message_id`); nil for objects.
    public static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            if n.rounded() == n, abs(n) < 9e15 { return String(Int64(n)) }
            return String(n)
        case .decimal(let d): return d.description
        case .null, .array, .object: return nil
        }
    }

    /// Nil for an empty or non-JSON body. One pass with `FastJSON`: `JSONDecoder` into `JSONValue` was a
    /// tenth of a send's CPU.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        return try? FastJSON.parse(String(decoding: bytes, as: UTF8.self))
    }
}

import Foundation

/// The framing signed link tokens (unsubscribe, preferences) share: UTF-8 fields, each after a 16-bit
/// big-endian length.
enum TokenFields {
    static func append(_ fields: [String], to bytes: inout [UInt8]) {
        for field in fields {
            // Fields longer than 65535 bytes cannot be written; they are cut rather than mis-framed.
            let utf8 = Array(field.utf8.prefix(Int(UInt16.max)))
            bytes.append(UInt8(utf8.count >> 8))
            bytes.append(UInt8(utf8.count & 0xFF))
            bytes.append(contentsOf: utf8)
        }
    }

    /// `value` as 8 bytes, big-endian.
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
    }

    /// 8 bytes big-endian at `offset`, if they are there and fit an Int64.
    static func number(_ bytes: [UInt8], at offset: Int) -> UInt64? {
        guard offset >= 0, offset + 8 <= bytes.count else { return nil }
        let value = bytes[offset..<offset + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return value <= UInt64(Int64.max) ? value : nil
    }

    /// A signing time: Unix milliseconds in 8 bytes (times before 1970 as 1970).
    static func append(time: Date, to bytes: inout [UInt8]) {
        append(UInt64(max(0, time.millisecondsSince1970)), to: &bytes)
    }

    static func time(_ bytes: [UInt8], at offset: Int) -> Date? {
        number(bytes, at: offset).map { Date(milliseconds: Int64($0)) }
    }

    /// Exactly `count` fields from `start` to the end of `bytes`; nil when anything is left over or missing.
    static func read(_ count: Int, from bytes: [UInt8], at start: Int) -> [String]? {
        var index = start
        var fields: [String] = []
        for _ in 0..<count {
            guard index + 2 <= bytes.count else { return nil }
            let length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
            index += 2
            guard index + length <= bytes.count,
                let field = String(validating: bytes[index..<(index + length)], as: UTF8.self)
            else { return nil }
            fields.append(field)
            index += length
        }
        return index == bytes.count ? fields : nil
    }
}

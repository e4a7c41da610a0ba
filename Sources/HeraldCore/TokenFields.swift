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

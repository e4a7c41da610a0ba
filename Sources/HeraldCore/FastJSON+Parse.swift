import Foundation

extension FastJSON {
    public struct ParseError: Error, Sendable {
        public var offset: Int
    }

    /// Objects and arrays nest at most this deep, as in Foundation's decoder: the readers recurse per level, and
    /// a body of many thousands of levels would otherwise overflow a thread's stack.
    static let maxDepth = 512

    /// Parses JSON text into a `JSONValue` in one pass over its UTF-8 bytes.
    public static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            let value = try parser.value()
            parser.skipSpace()
            guard parser.index == bytes.count else { throw ParseError(offset: parser.index) }
            return value
        }
    }

    /// Hands over the members of one JSON object, in order, building neither a dictionary nor a list of them: for
    /// a reader that maps a known shape onto its own fields and looks each key up once (a stored contact, read for
    /// every contact of a fan-out). A repeated key appears each time; a reader that keeps the last one matches
    /// `parse`. Text that is not one object throws, possibly after some members were handed over.
    static func forEachMember(in text: String, _ body: (String, JSONValue) -> Void) throws {
        var text = text
        try text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            parser.skipSpace()
            guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "{") else {
                throw ParseError(offset: parser.index)
            }
            try parser.forEachMember(body)
            parser.skipSpace()
            guard parser.index == bytes.count else { throw ParseError(offset: parser.index) }
        }
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// Objects and arrays open around `index`.
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        mutating func value() throws(ParseError) -> JSONValue {
            skipSpace()
            guard index < bytes.count else { throw ParseError(offset: index) }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try exactNumber()
            }
        }

        /// One level deeper, or an error past `maxDepth`.
        mutating func enter() throws(ParseError) {
            guard depth < FastJSON.maxDepth else { throw ParseError(offset: index) }
            depth += 1
        }

        mutating func literal(_ word: StaticString) throws(ParseError) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw ParseError(offset: index) }
            for i in 0..<count where bytes[index + i] != word.utf8Start[i] { throw ParseError(offset: index) }
            index += count
        }

        mutating func object() throws(ParseError) -> JSONValue {
            var members: [String: JSONValue] = [:]
            try forEachMember { key, value in
                // Room for six members at the first: the objects read here are small (a contact's attributes, a
                // push token, a provider's answer). Grown one member at a time, a dictionary of four was allocated
                // three times and rehashed twice (a tenth of fan-out's contact decoding).
                if members.isEmpty { members.reserveCapacity(6) }
                members[key] = value
            }
            return .object(members)
        }

        /// Reads the object at `index` (its `{` included), handing each member over in order.
        mutating func forEachMember(_ body: (String, JSONValue) -> Void) throws(ParseError) {
            try enter()
            defer { depth -= 1 }
            index += 1
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw ParseError(offset: index) }
                let key = try string()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw ParseError(offset: index) }
                index += 1
                body(key, try value())
                skipSpace()
                guard index < bytes.count else { throw ParseError(offset: index) }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return }
                throw ParseError(offset: index)
            }
        }

        mutating func array() throws(ParseError) -> JSONValue {
            try enter()
            defer { depth -= 1 }
            index += 1
            var items: [JSONValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                items.append(try value())
                skipSpace()
                guard index < bytes.count else { throw ParseError(offset: index) }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw ParseError(offset: index)
            }
        }

        /// Up to 15 significant digits a Double always holds exactly; longer literals go through `Decimal`.
        mutating func exactNumber() throws(ParseError) -> JSONValue {
            if let integer = smallInteger() { return .number(Double(integer)) }
            let start = index
            let double = try number()
            let literal = UnsafeBufferPointer(rebasing: bytes[start..<index])
            guard JSONNumberLiteral.significantDigits(literal) > 15,
                let decimal = Decimal(string: String(decoding: literal, as: UTF8.self))
            else { return .number(double) }
            return JSONValue.exactNumber(decimal, double)
        }

        /// An integer literal of up to 15 digits (ids, counts, days), read without going through text. Anything
        /// else (fractions, exponents, longer or malformed literals) leaves `index` alone and returns nil.
        mutating func smallInteger() -> Int64? {
            var cursor = index
            let negative = cursor < bytes.count && bytes[cursor] == UInt8(ascii: "-")
            if negative { cursor += 1 }
            let digitsStart = cursor
            var value: Int64 = 0
            while cursor < bytes.count, cursor - digitsStart < 16, bytes[cursor] &- UInt8(ascii: "0") < 10 {
                value = value * 10 + Int64(bytes[cursor] &- UInt8(ascii: "0"))
                cursor += 1
            }
            let digits = cursor - digitsStart
            // JSON allows no leading zero ("007"), and a fraction or exponent needs the general path.
            // -0 keeps its sign through the general path.
            guard digits > 0, digits <= 15, !(digits > 1 && bytes[digitsStart] == UInt8(ascii: "0")),
                !(negative && value == 0)
            else { return nil }
            if cursor < bytes.count {
                switch bytes[cursor] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                    UInt8(ascii: "+"), UInt8(ascii: "-"):
                    return nil
                default: break
                }
            }
            index = cursor
            return negative ? -value : value
        }

        mutating func number() throws(ParseError) -> Double {
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                    UInt8(ascii: "e"), UInt8(ascii: "E"):
                    index += 1
                default:
                    guard index > start, let n = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                    else { throw ParseError(offset: start) }
                    return n
                }
            }
            guard index > start, let n = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
            else { throw ParseError(offset: start) }
            return n
        }

        mutating func string() throws(ParseError) -> String {
            index += 1
            let start = index
            var hasEscape = false
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") {
                    hasEscape = true
                    index += 1
                }
                index += 1
            }
            guard index < bytes.count else { throw ParseError(offset: start) }
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            return hasEscape ? try Self.unescape(raw, offset: start) : String(decoding: raw, as: UTF8.self)
        }

        static func unescape(_ raw: UnsafeBufferPointer<UInt8>, offset: Int) throws(ParseError) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(raw.count)
            var i = 0
            var pendingHigh: UInt32?
            while i < raw.count {
                let byte = raw[i]
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    i += 1
                    continue
                }
                guard i + 1 < raw.count else { throw ParseError(offset: offset + i) }
                let code = raw[i + 1]
                i += 2
                switch code {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 4 <= raw.count,
                        let unit = UInt32(String(decoding: UnsafeBufferPointer(rebasing: raw[i..<i + 4]), as: UTF8.self), radix: 16)
                    else { throw ParseError(offset: offset + i) }
                    i += 4
                    var scalarValue = unit
                    if (0xD800...0xDBFF).contains(unit) {
                        pendingHigh = unit
                        continue
                    }
                    if (0xDC00...0xDFFF).contains(unit), let high = pendingHigh {
                        scalarValue = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                    }
                    pendingHigh = nil
                    guard let scalar = Unicode.Scalar(scalarValue) else { throw ParseError(offset: offset + i) }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: out.append(code)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

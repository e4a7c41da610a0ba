import Foundation

/// Checks a request body before it is decoded, for what decoders let through silently: a key given twice
/// in one object (decoders keep the first, most proxies and parsers the last, so two systems would read
/// different requests) and a number with more significant digits than can be kept exactly. Malformed JSON
/// is left for the decoder to report.
public enum JSONIntake {
    public static let maxSignificantDigits = 38

    /// `prefix` names the record in a batch, e.g. "[3]" for an NDJSON line.
    public static func check(_ data: Data, prefix: String = "") throws {
        // JSON is UTF-8 (RFC 8259 §8.1): bytes that are not are a malformed body, whichever field holds them.
        guard String(validating: data, as: UTF8.self) != nil else {
            throw HeraldError(
                code: "invalid_json", message: "the body is not valid UTF-8", field: prefix.isEmpty ? nil : prefix)
        }
        try data.withUnsafeBytes { raw in
            var scanner = Scanner(parser: FastJSON.Parser(bytes: raw.bindMemory(to: UInt8.self)), prefix: prefix)
            do {
                try scanner.value()
            } catch let error as HeraldError {
                throw error
            } catch {
                return  // malformed: the decoder says so, with its own error
            }
        }
    }

    private struct Scanner {
        var parser: FastJSON.Parser
        var path: String

        init(parser: FastJSON.Parser, prefix: String) {
            self.parser = parser
            self.path = prefix
        }

        mutating func value() throws {
            parser.skipSpace()
            guard parser.index < parser.bytes.count else { throw FastJSON.ParseError(offset: parser.index) }
            switch parser.bytes[parser.index] {
            case UInt8(ascii: "{"): try object()
            case UInt8(ascii: "["): try array()
            case UInt8(ascii: "\""): _ = try parser.string()
            case UInt8(ascii: "t"): try parser.literal("true")
            case UInt8(ascii: "f"): try parser.literal("false")
            case UInt8(ascii: "n"): try parser.literal("null")
            default: try number()
            }
        }

        mutating func object() throws {
            try parser.enter()
            defer { parser.depth -= 1 }
            parser.index += 1
            var keys = Set<String>()
            let outer = path
            defer { path = outer }
            while true {
                parser.skipSpace()
                guard parser.index < parser.bytes.count else { throw FastJSON.ParseError(offset: parser.index) }
                if parser.bytes[parser.index] == UInt8(ascii: "}") { parser.index += 1; return }
                if parser.bytes[parser.index] == UInt8(ascii: ",") && !keys.isEmpty { parser.index += 1; continue }
                guard parser.bytes[parser.index] == UInt8(ascii: "\"") else { throw FastJSON.ParseError(offset: parser.index) }
                let key = try parser.string()
                path = outer.isEmpty ? key : outer + "." + key
                guard keys.insert(key).inserted else {
                    throw HeraldError.invalid(path, "is given twice in one object", code: "duplicate_key")
                }
                parser.skipSpace()
                guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else {
                    throw FastJSON.ParseError(offset: parser.index)
                }
                parser.index += 1
                try value()
            }
        }

        mutating func array() throws {
            try parser.enter()
            defer { parser.depth -= 1 }
            parser.index += 1
            let outer = path
            defer { path = outer }
            var count = 0
            while true {
                parser.skipSpace()
                guard parser.index < parser.bytes.count else { throw FastJSON.ParseError(offset: parser.index) }
                if parser.bytes[parser.index] == UInt8(ascii: "]") { parser.index += 1; return }
                if parser.bytes[parser.index] == UInt8(ascii: ",") && count > 0 { parser.index += 1; continue }
                path = outer + "[\(count)]"
                try value()
                count += 1
            }
        }

        mutating func number() throws {
            let start = parser.index
            let value = try parser.number()
            let literal = UnsafeBufferPointer(rebasing: parser.bytes[start..<parser.index])
            let digits = JSONNumberLiteral.significantDigits(literal)
            guard digits <= JSONIntake.maxSignificantDigits else {
                throw HeraldError.invalid(
                    path, "has more than \(JSONIntake.maxSignificantDigits) significant digits; send it as a string",
                    code: "number_too_precise")
            }
            // 1e400 reads as infinity and 1e-400 as zero: no field can keep either.
            guard value.isFinite, value != 0 || digits == 0 else {
                throw HeraldError.invalid(path, "is out of the range a number can have", code: "invalid_value")
            }
        }
    }
}

import Foundation
import HeraldCore

/// A small, strict parser of RFC 5322 / MIME messages on bytes: what bounce and complaint reports need, no
/// more. Header lines are `name: value` with folded continuations (CRLF or bare LF); a multipart body is
/// split on its boundary; base64 and quoted-printable parts are decoded. What does not have that shape
/// throws `invalid_inbound` (400) and never crashes.
enum MIMEParser {
    /// Deepest nesting followed (message/rfc822 inside multipart inside …): reports use three levels.
    static let maximumDepth = 8

    static func parse(_ bytes: [UInt8]) throws(HeraldError) -> MIMEPart {
        let (headers, bodyStart) = try parseHeaders(bytes, from: 0)
        guard !headers.isEmpty else { throw malformed("the message has no header fields") }
        let raw = Array(bytes[bodyStart...])
        let encoding = headers.first { $0.name.lowercased() == "content-transfer-encoding" }?.value.lowercased()
        return MIMEPart(headers: headers, body: try decode(raw, encoding: encoding))
    }

    /// The parts of a multipart entity, in order (preamble and epilogue dropped).
    static func parts(of part: MIMEPart) throws(HeraldError) -> [MIMEPart] {
        guard let boundary = part.contentTypeParameter("boundary"), (1...70).contains(boundary.utf8.count) else {
            throw malformed("a multipart body without a usable boundary")
        }
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [MIMEPart] = []
        var start: Int?
        var closed = false
        for (lineStart, lineEnd, next) in lines(part.body) {
            let line = trimmingTrailingSpace(part.body[lineStart..<lineEnd])
            guard line.starts(with: delimiter) else { continue }
            let rest = line.dropFirst(delimiter.count)
            guard rest.isEmpty || rest.elementsEqual("--".utf8) else { continue }
            if let start {
                // The CRLF before a delimiter belongs to the delimiter.
                var end = lineStart
                if end > start, part.body[end - 1] == 0x0A { end -= 1 }
                if end > start, part.body[end - 1] == 0x0D { end -= 1 }
                parts.append(try parse(Array(part.body[start..<end])))
            }
            if !rest.isEmpty {
                closed = true
                break
            }
            start = next
        }
        guard start != nil else { throw malformed("the multipart body never reaches its boundary") }
        if !closed, let start, start < part.body.count {
            // A missing closing delimiter: keep the last part, as mail clients do.
            parts.append(try parse(Array(part.body[start...])))
        }
        return parts
    }

    /// Header blocks one after another (the body of message/delivery-status): per-message fields, then one
    /// block per recipient.
    static func fieldGroups(_ bytes: [UInt8]) throws(HeraldError) -> [[(name: String, value: String)]] {
        var groups: [[(name: String, value: String)]] = []
        var offset = 0
        while offset < bytes.count {
            // Blank lines between groups.
            if bytes[offset] == 0x0A { offset += 1; continue }
            if bytes[offset] == 0x0D, offset + 1 < bytes.count, bytes[offset + 1] == 0x0A { offset += 2; continue }
            let (group, next) = try parseHeaders(bytes, from: offset)
            if !group.isEmpty { groups.append(group) }
            guard next > offset else { break }
            offset = next
        }
        return groups
    }

    /// Headers from `start` up to the empty line; returns them and where the body begins.
    static func parseHeaders(_ bytes: [UInt8], from start: Int) throws(HeraldError) -> ([(name: String, value: String)], Int) {
        var headers: [(name: String, value: String)] = []
        var offset = start
        for (lineStart, lineEnd, next) in lines(bytes, from: start) {
            offset = next
            var end = lineEnd
            if end > lineStart, bytes[end - 1] == 0x0D { end -= 1 }
            if end == lineStart { return (headers, next) }
            let line = bytes[lineStart..<end]
            if line.first == 0x20 || line.first == 0x09 {
                guard !headers.isEmpty else { throw malformed("a continuation line before any header field") }
                headers[headers.count - 1].value += " " + text(line).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: 0x3A), colon > lineStart,
                bytes[lineStart..<colon].allSatisfy({ (33...126).contains($0) })
            else {
                // A body with no header block at all (the separator missing) is not a message.
                throw malformed("a header line without a field name")
            }
            headers.append((text(bytes[lineStart..<colon]), text(bytes[(colon + 1)..<end]).trimmingCharacters(in: .whitespaces)))
        }
        return (headers, max(offset, bytes.count))
    }

    /// (start, end without LF, start of the next line) for every line.
    static func lines(_ bytes: [UInt8], from start: Int = 0) -> [(Int, Int, Int)] {
        var result: [(Int, Int, Int)] = []
        var lineStart = start
        var index = start
        while index < bytes.count {
            if bytes[index] == 0x0A {
                result.append((lineStart, index, index + 1))
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart < bytes.count { result.append((lineStart, bytes.count, bytes.count)) }
        return result
    }

    static func decode(_ raw: [UInt8], encoding: String?) throws(HeraldError) -> [UInt8] {
        switch encoding {
        case "base64":
            guard let decoded = Base64Lenient.decode(raw) else { throw malformed("a base64 part that is not base64") }
            return decoded
        case "quoted-printable":
            return QuotedPrintable.decode(raw)
        default:
            return raw
        }
    }

    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    private static func trimmingTrailingSpace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        while end > bytes.startIndex, [0x0D, 0x20, 0x09].contains(bytes[end - 1]) { end -= 1 }
        return bytes[bytes.startIndex..<end]
    }

    static func malformed(_ what: String) -> HeraldError {
        HeraldError(code: "invalid_inbound", message: "not a readable email message: \(what)", field: "body")
    }
}

/// Base64 as mail carries it: line breaks and spaces allowed, anything else rejected.
enum Base64Lenient {
    static func decode(_ raw: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = false
        for byte in raw {
            let value: UInt32
            switch byte {
            case 0x41...0x5A: value = UInt32(byte - 0x41)
            case 0x61...0x7A: value = UInt32(byte - 0x61 + 26)
            case 0x30...0x39: value = UInt32(byte - 0x30 + 52)
            case 0x2B: value = 62
            case 0x2F: value = 63
            case 0x3D: padding = true; continue
            case 0x0D, 0x0A, 0x20, 0x09: continue
            default: return nil
            }
            guard !padding else { return nil }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return output
    }
}

/// Quoted-printable (RFC 2045 §6.7): `=XX` escapes and `=` soft line breaks; a stray `=` is kept.
enum QuotedPrintable {
    static func decode(_ raw: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == 0x3D else {
                output.append(byte)
                index += 1
                continue
            }
            if index + 1 < raw.count, raw[index + 1] == 0x0A { index += 2; continue }
            if index + 2 < raw.count, raw[index + 1] == 0x0D, raw[index + 2] == 0x0A { index += 3; continue }
            if index + 2 < raw.count, let high = hex(raw[index + 1]), let low = hex(raw[index + 2]) {
                output.append(high << 4 | low)
                index += 3
                continue
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

import Foundation

/// 7-bit transfer encodings for UTF-8 text parts, always with CRLF line endings.
public enum MIMEBodyEncoding: String, Sendable, Hashable {
    case quotedPrintable = "quoted-printable"
    case base64

    static let lineLength = 76

    /// Quoted-printable keeps mostly-Latin text readable; for Persian, Arabic or Russian text every
    /// byte would become `=XX` (three times the size), so base64 (4/3) is the better fit.
    public static func preferred(for text: String) -> MIMEBodyEncoding {
        let bytes = text.utf8
        guard !bytes.isEmpty else { return .quotedPrintable }
        // A native string's bytes are contiguous: count them through a pointer, not the generic UTF8View.
        let nonASCII =
            bytes.withContiguousStorageIfAvailable { buffer in buffer.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) } }
            ?? bytes.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
        return nonASCII * 4 > bytes.count ? .base64 : .quotedPrintable
    }

    /// The encoded text, lines joined with CRLF, without a trailing line break.
    public func encode(_ text: String) -> String {
        let lines = Self.lines(of: Array(text.utf8))
        switch self {
        case .quotedPrintable:
            // All lines into one buffer: a String per line and a join cost more than the encoding.
            var output: [UInt8] = []
            output.reserveCapacity(text.utf8.count + text.utf8.count / 8 + 16)
            for (index, line) in lines.enumerated() {
                if index > 0 {
                    output.append(13)
                    output.append(10)
                }
                Self.appendQuotedPrintable(line, to: &output)
            }
            return String(decoding: output, as: UTF8.self)
        case .base64:
            let canonical = Array(lines.joined(separator: [13, 10]))
            let encoded = Data(canonical).base64EncodedString()
            return Self.chunks(of: encoded, length: Self.lineLength).joined(separator: "\r\n")
        }
    }

    /// Splits on CRLF, lone LF and lone CR alike, so whatever the template used ends up as CRLF.
    static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 13 || byte == 10 {
                lines.append(bytes[start..<index])
                if byte == 13, index + 1 < bytes.endIndex, bytes[index + 1] == 10 { index += 1 }
                start = index + 1
            }
            index += 1
        }
        lines.append(bytes[start..<bytes.endIndex])
        return lines
    }

    /// One hard line: literal printable ASCII, `=XX` for the rest, soft breaks (`=`) before 76 columns.
    /// Built as bytes (every token is ASCII): per-byte Strings and `String.count` made this most of an
    /// SMTP send's CPU.
    static func quotedPrintableLine(_ line: ArraySlice<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(line.count * 3 + line.count / 24 * 3)
        appendQuotedPrintable(line, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static func appendQuotedPrintable(_ line: ArraySlice<UInt8>, to output: inout [UInt8]) {
        guard !line.isEmpty else { return }
        var column = 0
        let last = line.index(before: line.endIndex)
        for index in line.indices {
            let byte = line[index]
            let isTrailingSpace = (byte == 32 || byte == 9) && index == last
            let literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isTrailingSpace)
            let width = literal ? 1 : 3
            // Room for the soft-break `=` must remain on every line.
            if column + width > lineLength - 1 {
                output.append(61)
                output.append(13)
                output.append(10)
                column = 0
            }
            if literal {
                output.append(byte)
            } else {
                output.append(61)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
            column += width
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func chunks(of text: String, length: Int) -> [String] {
        var result: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: length, limitedBy: text.endIndex) ?? text.endIndex
            result.append(String(text[index..<end]))
            index = end
        }
        return result.isEmpty ? [""] : result
    }
}

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
        let nonASCII = bytes.lazy.filter { $0 >= 0x80 }.count
        return nonASCII * 4 > bytes.count ? .base64 : .quotedPrintable
    }

    /// The encoded text, lines joined with CRLF, without a trailing line break.
    public func encode(_ text: String) -> String {
        let lines = Self.lines(of: Array(text.utf8))
        switch self {
        case .quotedPrintable:
            return lines.map(Self.quotedPrintableLine).joined(separator: "\r\n")
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
    static func quotedPrintableLine(_ line: ArraySlice<UInt8>) -> String {
        guard !line.isEmpty else { return "" }
        var output: [String] = []
        var current = ""
        let last = line.index(before: line.endIndex)
        for index in line.indices {
            let byte = line[index]
            let isTrailingSpace = (byte == 32 || byte == 9) && index == last
            let literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isTrailingSpace)
            let token = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
            // Room for the soft-break `=` must remain on every line.
            if current.count + token.count > lineLength - 1 {
                output.append(current + "=")
                current = ""
            }
            current += token
        }
        output.append(current)
        return output.joined(separator: "\r\n")
    }

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

import Foundation

/// `{{name}}` placeholders, nothing more: no logic, no loops. Values are substituted raw and the caller
/// encodes for its context (JSON encoder, form/URL encoding); only URL paths escape while substituting.
public enum ProfileTemplate {
    /// Placeholder names in the order they appear (`to`, `secret.api_key`, `option.sender`…).
    public static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        scan(template) { piece in
            if case .placeholder(let name) = piece { names.append(name) }
        }
        return names
    }

    /// Substitutes every placeholder; nil when one has no value, so the caller leaves that field out.
    public static func render(
        _ template: String, values: TemplateValues, escape: (String) -> String = { $0 }
    ) -> String? {
        var output = ""
        var missing = false
        scan(template) { piece in
            switch piece {
            case .literal(let text): output += text
            case .placeholder(let name):
                if let value = values.value(for: name) { output += escape(value) } else { missing = true }
            }
        }
        return missing ? nil : output
    }

    enum Piece {
        case literal(Substring)
        case placeholder(String)
    }

    /// Runs once per template per message, so it scans UTF-8 bytes: `{` and `}` are ASCII and never
    /// occur inside a multi-byte sequence, and Foundation's `range(of:)` cost a third of a send's CPU.
    static func scan(_ template: String, _ visit: (Piece) -> Void) {
        let bytes = template.utf8
        var literalStart = bytes.startIndex
        while let open = firstPair(UInt8(ascii: "{"), in: bytes, from: literalStart) {
            let nameStart = bytes.index(open, offsetBy: 2)
            guard let close = firstPair(UInt8(ascii: "}"), in: bytes, from: nameStart) else { break }
            visit(.literal(template[literalStart..<open]))
            visit(.placeholder(trimmingWhitespace(template[nameStart..<close])))
            literalStart = bytes.index(close, offsetBy: 2)
        }
        visit(.literal(template[literalStart...]))
    }

    /// The index of the first of two consecutive `byte`s at or after `start`.
    private static func firstPair(_ byte: UInt8, in bytes: String.UTF8View, from start: String.Index) -> String.Index? {
        var index = start
        while index < bytes.endIndex {
            let next = bytes.index(after: index)
            if bytes[index] == byte, next < bytes.endIndex, bytes[next] == byte { return index }
            index = next
        }
        return nil
    }

    /// Same set as `CharacterSet.whitespaces` (tab and Unicode Zs), without bridging to NSString.
    private static func trimmingWhitespace(_ text: Substring) -> String {
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }),
            let last = scalars.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(text.unicodeScalars[first...last])
    }
}

/// Percent-encoding per context: `application/x-www-form-urlencoded` values and URL path segments.
public enum PercentEncoding {
    /// Bytes kept as they are, indexed by byte: a table, not a set hashed per byte.
    private static let formKeeps = keeps("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    private static let pathKeeps = keeps("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:@!$&'()*+,;=")
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func keeps(_ characters: String) -> [Bool] {
        var table = [Bool](repeating: false, count: 256)
        for byte in characters.utf8 { table[Int(byte)] = true }
        return table
    }

    public static func formValue(_ text: String) -> String { encode(text, keeping: formKeeps) }

    public static func pathSegment(_ text: String) -> String { encode(text, keeping: pathKeeps) }

    public static func formEncode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(formValue($0.0))=\(formValue($0.1))" }.joined(separator: "&")
    }

    /// Decodes `a=1&b=x+y`; later duplicates win.
    public static func formDecode(_ text: String) -> [String: String] {
        Dictionary(formPairs(text), uniquingKeysWith: { _, later in later })
    }

    /// Decodes `a=1&b=x+y&a=2` into its pairs in order, duplicates kept (webhook signatures sign them all).
    public static func formPairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// `%XX` with upper-case hex for every byte the table does not keep (one `String(format:)` per
    /// byte made a Persian form body cost more than the rest of the request).
    private static func encode(_ text: String, keeping keeps: [Bool]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if keeps[Int(byte)] {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

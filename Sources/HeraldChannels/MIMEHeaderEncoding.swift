import Foundation

/// Header text for RFC 5322 / RFC 2047: ASCII stays readable, anything else becomes UTF-8
/// encoded-words, and long values are folded so every physical line stays short.
enum MIMEHeaderEncoding {
    /// UTF-8 bytes per encoded-word: 42 bytes → 56 base64 chars → a 68-char word, so even the first
    /// line (`Subject: ` + word) stays under the 78-character line limit.
    static let bytesPerEncodedWord = 42
    static let foldWidth = 78

    /// An unstructured header value (Subject). Line breaks are flattened first: they would let a
    /// template inject headers.
    static func unstructured(_ text: String, headerName: String) -> String {
        let flat = flatten(text)
        if isPlainASCII(flat) {
            return fold(flat, firstLineOffset: headerName.count + 2)
        }
        return encodedWords(flat).joined(separator: "\r\n ")
    }

    /// A display name (phrase): an atom run, a quoted string, or encoded-words.
    static func phrase(_ text: String) -> String {
        let flat = flatten(text)
        guard isPlainASCII(flat) else { return encodedWords(flat).joined(separator: "\r\n ") }
        let specials = Set("()<>[]:;@\\,.\"")
        if flat.contains(where: { specials.contains($0) }) {
            let escaped = flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return flat
    }

    /// RFC 2047 `B` encoded-words, split on character boundaries so no word holds half a character.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
            chunk.removeAll(keepingCapacity: true)
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count > bytesPerEncodedWord {
                // A pathological grapheme (long combining run): split it by scalar instead.
                for scalar in character.unicodeScalars {
                    let scalarBytes = Array(String(scalar).utf8)
                    if chunk.count + scalarBytes.count > bytesPerEncodedWord { flush() }
                    chunk += scalarBytes
                }
                continue
            }
            if chunk.count + bytes.count > bytesPerEncodedWord { flush() }
            chunk += bytes
        }
        flush()
        return words
    }

    /// Folds ASCII text at spaces so lines stay within `foldWidth` where a space allows it.
    static func fold(_ text: String, firstLineOffset: Int) -> String {
        var lines: [String] = []
        var current: String?
        var available = foldWidth - firstLineOffset
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            guard let line = current else {
                current = String(word)
                continue
            }
            // Never leave a whitespace-only line behind: that is not a legal fold.
            if line.count + 1 + word.count > available, line.contains(where: { $0 != " " }) {
                lines.append(line)
                current = String(word)
                available = foldWidth - 1
            } else {
                current = line + " " + word
            }
        }
        lines.append(current ?? "")
        return lines.joined(separator: "\r\n ")
    }

    static func isPlainASCII(_ text: String) -> Bool {
        // `=?` in plain text would be read back as the start of an encoded-word.
        !text.contains("=?") && text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
    }

    /// Collapses CR, LF and tabs into single spaces.
    static func flatten(_ text: String) -> String {
        let scalars = text.unicodeScalars.map { scalar -> Character in
            scalar == "\r" || scalar == "\n" || scalar == "\t" ? " " : Character(scalar)
        }
        return String(scalars)
    }
}

/// A mailbox address: validation and the `Name <addr>` form.
public enum MIMEAddress {
    /// ASCII `local@domain` with nothing that could break out of a header or an SMTP command.
    public static func isValid(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, address.utf8.count <= 254 else { return false }
        let forbidden = Set("<>()[]\\,;:\" ")
        return address.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
            && !address.contains(where: { forbidden.contains($0) })
    }

    static func mailbox(_ address: String, displayName: String?) -> String {
        guard let displayName, !displayName.isEmpty else { return address }
        return "\(MIMEHeaderEncoding.phrase(displayName)) <\(address)>"
    }
}

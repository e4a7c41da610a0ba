import Foundation
import HeraldCore

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
        // ASCII here, so a byte scan finds the specials.
        if flat.utf8.contains(where: { phraseSpecials.contains($0) }) {
            let escaped = flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return flat
    }

    /// `()<>[]:;@\,."`: a display name holding one of them must be a quoted string.
    static let phraseSpecials: Set<UInt8> = Set("()<>[]:;@\\,.\"".utf8)

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
            let bytes = character.utf8
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
        // `=?` in plain text would be read back as the start of an encoded-word. One pass over the UTF-8
        // bytes: any byte of a non-ASCII scalar is >= 0x80.
        var previous: UInt8 = 0
        for byte in text.utf8 {
            guard byte >= 0x20, byte < 0x7F, !(previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?")) else {
                return false
            }
            previous = byte
        }
        return true
    }

    /// Collapses CR, LF and tabs into single spaces.
    static func flatten(_ text: String) -> String {
        // Most values have none: return them as they are instead of rebuilding them character by character.
        guard text.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 9 }) else { return text }
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
        // One pass over the UTF-8 bytes: a non-ASCII scalar has bytes >= 0x80, so printable ASCII
        // without the forbidden characters and exactly one `@`, neither first nor last, is the whole rule.
        let bytes = address.utf8
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 254,
            first != UInt8(ascii: "@"), last != UInt8(ascii: "@")
        else { return false }
        var atSigns = 0
        for byte in bytes {
            guard byte > 0x20, byte < 0x7F, !EmailAddress.unsafeBytes.contains(byte) else { return false }
            if byte == UInt8(ascii: "@") { atSigns += 1 }
        }
        return atSigns == 1
    }

    static func mailbox(_ address: String, displayName: String?) -> String {
        guard let displayName, !displayName.isEmpty else { return address }
        return "\(MIMEHeaderEncoding.phrase(displayName)) <\(address)>"
    }
}

/// Masks addresses for logs, traces and error texts: enough to recognise, never the whole.
///
/// An e-mail address keeps the first character of its local part and its domain (`a***@example.com`);
/// anything else keeps its first three and last two characters with a star for each one hidden
/// (at least one), and is all stars when it has five characters or fewer.
public enum Redaction {
    public static func mask(_ address: String) -> String {
        // Every policy decision masks an address for its trace: plain ASCII (phone numbers, chat ids and
        // nearly all e-mail addresses) is masked on bytes, anything else by characters so that no
        // letter is ever split.
        maskASCII(address) ?? maskCharacters(address)
    }

    static func maskCharacters(_ address: String) -> String {
        if let at = address.firstIndex(of: "@") {
            let local = address[..<at]
            let domain = address[address.index(after: at)...]
            return "\(local.prefix(1))***@\(domain)"
        }
        let characters = Array(address)
        guard characters.count > 5 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(3)) + String(repeating: "*", count: characters.count - 5)
            + String(characters.suffix(2))
    }

    /// The same mask on bytes; nil unless every byte is ASCII other than a carriage return (CR LF is
    /// one character, which the byte rules would count as two).
    static func maskASCII(_ address: String) -> String? {
        var address = address
        return address.withUTF8 { bytes -> String? in
            guard let count = maskedASCIICount(bytes) else { return nil }
            return String(unsafeUninitializedCapacity: count) { out in writeMaskedASCII(bytes, into: out, at: 0) }
        }
    }

    /// Appends the masked address's UTF-8 bytes: a trace line writes it straight into the stored JSON.
    public static func appendMasked(_ address: String, to bytes: inout [UInt8]) {
        var address = address
        let written = address.withUTF8 { source -> Bool in
            guard let count = maskedASCIICount(source) else { return false }
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: count))
            bytes.withUnsafeMutableBufferPointer { out in _ = writeMaskedASCII(source, into: out, at: start) }
            return true
        }
        if !written { bytes.append(contentsOf: maskCharacters(address).utf8) }
    }

    /// The masked length, or nil when the bytes are not all ASCII (or hold a carriage return).
    private static func maskedASCIICount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\r") }) else { return nil }
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) { return min(at, 1) + 4 + (bytes.count - at - 1) }
        return bytes.count
    }

    /// Writes the masked bytes from `start`; returns where they end.
    private static func writeMaskedASCII(
        _ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int
    ) -> Int {
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            var index = start
            if at > 0 {
                out[index] = bytes[0]
                index += 1
            }
            for byte in "***@".utf8 {
                out[index] = byte
                index += 1
            }
            let domain = UnsafeBufferPointer(rebasing: bytes[(at + 1)...])
            _ = UnsafeMutableBufferPointer(rebasing: out[index...]).initialize(from: domain)
            return index + domain.count
        }
        let count = bytes.count
        guard count > 5 else {
            for index in start..<(start + count) { out[index] = UInt8(ascii: "*") }
            return start + count
        }
        out[start] = bytes[0]
        out[start + 1] = bytes[1]
        out[start + 2] = bytes[2]
        for index in (start + 3)..<(start + count - 2) { out[index] = UInt8(ascii: "*") }
        out[start + count - 2] = bytes[count - 2]
        out[start + count - 1] = bytes[count - 1]
        return start + count
    }
}

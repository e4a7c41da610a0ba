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
            guard !bytes.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "\r") }) else { return nil }
            if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
                let kept = min(at, 1)
                let domain = UnsafeBufferPointer(rebasing: bytes[(at + 1)...])
                return String(unsafeUninitializedCapacity: kept + 4 + domain.count) { out in
                    if kept == 1 { out[0] = bytes[0] }
                    var index = kept
                    for byte in "***@".utf8 {
                        out[index] = byte
                        index += 1
                    }
                    _ = UnsafeMutableBufferPointer(rebasing: out[index...]).initialize(from: domain)
                    return index + domain.count
                }
            }
            let count = bytes.count
            guard count > 5 else { return String(repeating: "*", count: count) }
            return String(unsafeUninitializedCapacity: count) { out in
                out[0] = bytes[0]
                out[1] = bytes[1]
                out[2] = bytes[2]
                for index in 3..<(count - 2) { out[index] = UInt8(ascii: "*") }
                out[count - 2] = bytes[count - 2]
                out[count - 1] = bytes[count - 1]
                return count
            }
        }
    }
}

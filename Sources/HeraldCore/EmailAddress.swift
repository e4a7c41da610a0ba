/// The one rule for an email address at intake (contacts, suppressions): what the SMTP driver's header-safe
/// rule accepts, plus the shape mail systems require. Strict enough that an address accepted here is not
/// refused as malformed at send time: an internationalized domain is sent as its A-labels, and a local part
/// beyond ASCII needs a relay that speaks SMTPUTF8 (`SMTPRecipient`).
public enum EmailAddress {
    /// Characters that could break out of a header or an SMTP command, or that only a quoted local part may hold.
    public static let unsafeBytes: Set<UInt8> = Set("<>()[]\\,;:\" ".utf8)

    /// One "@", local part 1–64 bytes, at most 254 in all; printable, nothing from `unsafeBytes`; no dot at
    /// either end of a part nor two in a row; the domain dotted and, beyond ASCII, one IDNA takes; no invisible
    /// Unicode (bidi marks, zero-width joiners, other formatting, white space), which would make one address look
    /// like another.
    public static func isPlausible(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at <= 64,
            at < bytes.count - 1, bytes.lastIndex(of: UInt8(ascii: "@")) == at
        else { return false }
        var ascii = true
        for byte in bytes {
            guard byte > 0x20, byte != 0x7F, !unsafeBytes.contains(byte) else { return false }
            if byte >= 0x80 { ascii = false }
        }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard isDotted(local), isDotted(domain), domain.contains(UInt8(ascii: ".")) else { return false }
        if ascii { return true }
        // A domain IDNA refuses (`a@☃.com`) has no A-labels to send: the driver would call it invalid and suppress it.
        return !text.unicodeScalars.contains(where: isInvisible)
            && asciiDomain(String(decoding: domain, as: UTF8.self)) != nil
    }

    /// No dot first, last or doubled.
    private static func isDotted(_ part: ArraySlice<UInt8>) -> Bool {
        let dot = UInt8(ascii: ".")
        guard part.first != dot, part.last != dot else { return false }
        return !zip(part, part.dropFirst()).contains { $0 == dot && $1 == dot }
    }

    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}

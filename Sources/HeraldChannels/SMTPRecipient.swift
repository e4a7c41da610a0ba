import HeraldCore

/// A recipient as the relay and the `To:` header carry it. An internationalized domain travels as IDNA
/// A-labels (`EmailAddress.withASCIIDomain`), so `ivan@почта.рф` reaches any relay as
/// `ivan@xn--80a1acny.xn--p1ai`. A local part beyond ASCII stays UTF-8: only a relay that offers SMTPUTF8
/// (RFC 6531) takes it, and libcurl declares SMTPUTF8 for it when the relay offers it.
struct SMTPRecipient: Sendable {
    /// The address on the wire: envelope `RCPT TO` and the `To:` header.
    let wire: String
    /// Whether the local part is beyond ASCII, so the relay must speak SMTPUTF8.
    let needsSMTPUTF8: Bool

    /// Nil when the address cannot be carried: not one `@` between two non-empty parts, a byte that could break
    /// out of a header or an SMTP command, or a domain that is not a valid internationalized name.
    init?(_ address: String) {
        guard let wire = EmailAddress.withASCIIDomain(address), wire.utf8.count <= 254 else { return nil }
        let bytes = Array(wire.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        let local = bytes[..<at]
        guard local.allSatisfy({ $0 >= 0x80 || Self.isSafeASCII($0) }), bytes[(at + 1)...].allSatisfy(Self.isSafeASCII)
        else { return nil }
        self.wire = wire
        needsSMTPUTF8 = local.contains { $0 >= 0x80 }
    }

    /// Printable ASCII other than `@` and the header and command specials. A byte of a UTF-8 sequence is never
    /// a control character or a special, so a local part may also hold those.
    private static func isSafeASCII(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && !EmailAddress.unsafeBytes.contains(byte) && byte != UInt8(ascii: "@")
    }
}

import CIDN2

extension EmailAddress {
    /// The domain as ASCII: unchanged when it already is, otherwise its IDNA A-labels (RFC 5891, UTS #46
    /// non-transitional, by libidn2, the conversion libcurl tries first), so `почта.рф` is `xn--80a1acny.xn--p1ai`;
    /// nil when IDNA refuses it.
    public static func asciiDomain(_ domain: String) -> String? {
        if domain.utf8.allSatisfy({ $0 < 0x80 }) { return domain }
        var output: UnsafeMutablePointer<CChar>?
        let status = idn2_to_ascii_8z(domain, &output, Int32(IDN2_NONTRANSITIONAL.rawValue | IDN2_NFC_INPUT.rawValue))
        defer { idn2_free(output) }
        guard status == Int32(IDN2_OK.rawValue), let output else { return nil }
        return String(cString: output)
    }

    /// The address with its domain as ASCII (`asciiDomain`) and its local part as it is; nil without a non-empty part
    /// on each side of the last `@`, or when IDNA refuses the domain.
    public static func withASCIIDomain(_ address: String) -> String? {
        let bytes = Array(address.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1,
            let domain = asciiDomain(String(decoding: bytes[(at + 1)...], as: UTF8.self))
        else { return nil }
        return String(decoding: bytes[...at], as: UTF8.self) + domain
    }

    /// Whether `reported` is `address` as a relay was given it (`withASCIIDomain`), byte for byte. An ASCII address
    /// matches only itself, as suppressions do.
    public static func isSameMailbox(_ address: String, reportedAs reported: String) -> Bool {
        withASCIIDomain(address).map { $0.utf8.elementsEqual(reported.utf8) } ?? false
    }
}

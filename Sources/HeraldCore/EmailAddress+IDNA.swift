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

    /// Whether `reported` is `address` as a relay was given it: the same local part byte for byte, and the same
    /// domain once `address`'s is in A-labels. An ASCII address matches only itself, as suppressions do.
    public static func isSameMailbox(_ address: String, reportedAs reported: String) -> Bool {
        let bytes = Array(address.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")),
            let domain = asciiDomain(String(decoding: bytes[(at + 1)...], as: UTF8.self))
        else { return false }
        return Array(reported.utf8) == Array(bytes[...at]) + Array(domain.utf8)
    }
}

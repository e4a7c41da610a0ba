import CIDN2

extension EmailAddress {
    /// The domain as ASCII: unchanged when it already is, otherwise its IDNA A-labels (RFC 5891, UTS #46
    /// non-transitional, by libidn2 as libcurl uses it), so `почта.рф` is `xn--80a1acny.xn--p1ai`; nil when IDNA
    /// refuses it.
    public static func asciiDomain(_ domain: String) -> String? {
        if domain.utf8.allSatisfy({ $0 < 0x80 }) { return domain }
        var output: UnsafeMutablePointer<CChar>?
        let status = idn2_to_ascii_8z(domain, &output, Int32(IDN2_NONTRANSITIONAL.rawValue | IDN2_NFC_INPUT.rawValue))
        defer { idn2_free(output) }
        guard status == Int32(IDN2_OK.rawValue), let output else { return nil }
        return String(cString: output)
    }

    /// Whether two addresses name one mailbox as mail systems route it: the same local part, and the same domain
    /// once both are A-labels, whatever their case. A relay or an ESP reports the address it was given, which is
    /// the contact's with its domain in A-labels.
    public static func sameMailbox(_ first: String, _ second: String) -> Bool {
        guard let firstAt = first.lastIndex(of: "@"), let secondAt = second.lastIndex(of: "@"),
            first[..<firstAt] == second[..<secondAt],
            let firstDomain = asciiDomain(String(first[first.index(after: firstAt)...])),
            let secondDomain = asciiDomain(String(second[second.index(after: secondAt)...]))
        else { return false }
        return firstDomain.lowercased() == secondDomain.lowercased()
    }
}

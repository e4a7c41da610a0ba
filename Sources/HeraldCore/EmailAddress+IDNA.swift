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
        replacingDomain(of: address, with: asciiDomain)
    }

    /// The address with its domain replaced by `convert`'s answer and its local part as it is; nil without a
    /// non-empty part on each side of the last `@`, or when `convert` answers nil.
    static func replacingDomain(of address: String, with convert: (String) -> String?) -> String? {
        let bytes = Array(address.utf8)
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1,
            let domain = convert(String(decoding: bytes[(at + 1)...], as: UTF8.self))
        else { return nil }
        return String(decoding: bytes[...at], as: UTF8.self) + domain
    }

    /// Whether `reported` is `address` as a relay was given it (`withASCIIDomain`), byte for byte. An ASCII address
    /// matches only itself, as suppressions do.
    public static func isSameMailbox(_ address: String, reportedAs reported: String) -> Bool {
        withASCIIDomain(address).map { $0.utf8.elementsEqual(reported.utf8) } ?? false
    }
}

extension EmailAddress {
    /// The other spellings a suppression (or an erased address's digest) of one of `addresses` may be stored
    /// under, each mapped to the address it stands for: for an internationalized email address, the same mailbox
    /// with its domain in A-labels, or in Unicode when it is written in A-labels. A provider reports a bounce for
    /// `ivan@xn--80a1acny.xn--p1ai` where the contact is `ivan@почта.рф`, or the other way round. IDNA folds case,
    /// so `ivan@Почта.рф` shares that A-label form: a spelling may stand for several addresses. Usually empty.
    public static func otherSpellings(of addresses: some Sequence<String>) -> [String: [String]] {
        var others: [String: [String]] = [:]
        for address in addresses where mayHaveOtherSpelling(address) {
            if let other = otherSpelling(of: address) { others[other, default: []].append(address) }
        }
        return others
    }

    /// `addresses` and their other spellings: every form a suppression of them may be stored under.
    public static func withOtherSpellings(_ addresses: [String]) -> [String] {
        addresses + otherSpellings(of: addresses).keys
    }

    /// Beyond ASCII, or with `xn--` after its last `@`: most addresses are neither, and are checked without an
    /// allocation.
    private static func mayHaveOtherSpelling(_ address: String) -> Bool {
        var afterAt = false
        var aLabel = false
        var last: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        for byte in address.utf8 {
            if byte >= 0x80 { return true }
            if byte == UInt8(ascii: "@") {
                afterAt = true
                aLabel = false
                continue
            }
            // Lowercased (| 0x20 keeps "-" as it is): "xn--" in any case.
            last = (last.1, last.2, last.3, byte | 0x20)
            if afterAt, last == (UInt8(ascii: "x"), UInt8(ascii: "n"), UInt8(ascii: "-"), UInt8(ascii: "-")) { aLabel = true }
        }
        return aLabel
    }

    /// The same mailbox with its domain in the other form; nil when there is none or IDNA refuses it.
    private static func otherSpelling(of address: String) -> String? {
        replacingDomain(of: address) { domain in
            let converted = domain.utf8.allSatisfy({ $0 < 0x80 }) ? unicodeDomain(domain) : asciiDomain(domain)
            return converted == domain ? nil : converted
        }
    }

    /// An ASCII domain's Unicode form (`xn--80a1acny.xn--p1ai` is `почта.рф`); nil when IDNA refuses it.
    static func unicodeDomain(_ domain: String) -> String? {
        var output: UnsafeMutablePointer<CChar>?
        let status = idn2_to_unicode_8z8z(domain, &output, 0)
        defer { idn2_free(output) }
        guard status == Int32(IDN2_OK.rawValue), let output else { return nil }
        return String(cString: output)
    }
}

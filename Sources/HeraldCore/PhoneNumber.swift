/// E.164 numbers: validation at intake, country look-up for routing and zone inference.
public enum PhoneNumber {
    /// "+" then 8–15 digits, no leading zero, with a country calling code that exists.
    public static func isValidE164(_ text: String) -> Bool {
        countryCallingCode(ofE164: text) != nil
    }

    /// The ITU country calling code ("98", "1", "7"…) of a valid E.164 number.
    public static func countryCallingCode(ofE164 text: String) -> String? {
        guard let digits = e164Digits(text) else { return nil }
        // Calling codes form a prefix-free set, so at most one of the 1-, 2- and 3-digit prefixes is assigned.
        for length in 1...3 {
            let prefix = String(digits.prefix(length))
            if countryCallingCodes.contains(prefix) { return prefix }
        }
        return nil
    }

    /// The IANA zone of the number's country when that country observes exactly one; nil otherwise.
    public static func inferredTimeZone(forE164 text: String) -> String? {
        guard let code = countryCallingCode(ofE164: text) else { return nil }
        return singleZoneByCallingCode[code]
    }

    /// The digits after "+" when the text has E.164 shape (8–15 ASCII digits, first one 1–9).
    private static func e164Digits(_ text: String) -> Substring? {
        guard text.utf8.first == UInt8(ascii: "+") else { return nil }
        let digits = text.dropFirst()
        let bytes = digits.utf8
        guard (8...15).contains(bytes.count), bytes.first != UInt8(ascii: "0"),
            bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return digits
    }
}

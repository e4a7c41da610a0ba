/// E.164 numbers: validation at intake, country look-up for routing and zone inference.
public enum PhoneNumber {
    /// "+" then 8–15 digits, no leading zero, with a country calling code that exists, and as many digits
    /// after it as that country's numbers have where its plan says so (`nationalLengths`).
    public static func isValidE164(_ text: String) -> Bool {
        guard let code = countryCallingCode(ofE164: text) else { return false }
        guard let lengths = nationalLengths[code] else { return true }
        return lengths.contains(text.utf8.count - 1 - code.utf8.count)
    }

    /// National number lengths of plans whose every number (fixed and mobile) has one of them. Countries
    /// whose lengths vary more widely (Germany, Italy…) are left to the 8–15 digits of E.164.
    private static let nationalLengths: [String: ClosedRange<Int>] = [
        "1": 10...10, "7": 10...10, "98": 10...10, "90": 10...10, "91": 10...10, "33": 9...9, "966": 9...9,
        "971": 8...9, "20": 8...10, "44": 9...10,
    ]

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

    /// Whether `code` ("98", "1") is an assigned country calling code.
    public static func isCallingCode(_ code: String) -> Bool {
        countryCallingCodes.contains(code)
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

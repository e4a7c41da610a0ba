/// E.164 numbers: validation at intake, country look-up for routing and zone inference.
public enum PhoneNumber {
    /// "+" then 8–15 digits, no leading zero, with a country calling code that exists.
    public static func isValidE164(_ text: String) -> Bool {
        fatalError("not yet implemented")
    }

    /// The ITU country calling code ("98", "1", "7"…) of a valid E.164 number.
    public static func countryCallingCode(ofE164 text: String) -> String? {
        fatalError("not yet implemented")
    }

    /// The IANA zone of the number's country when that country observes exactly one; nil otherwise.
    public static func inferredTimeZone(forE164 text: String) -> String? {
        fatalError("not yet implemented")
    }
}

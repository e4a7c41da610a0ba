import Foundation

/// Intake checks for contacts: each failure names the field (with `prefix`, e.g. "[3]." in a batch).
public enum ContactValidation {
    public static func validate(_ contact: Contact, prefix: String = "") throws(HeraldError) {
        guard !contact.id.isEmpty, contact.id.count <= 256 else {
            throw .invalid(prefix + "id", "must be 1–256 characters")
        }
        if let timezone = contact.timezone, TimeZone(identifier: timezone) == nil {
            throw .invalid(prefix + "timezone", "is not a known IANA time zone", code: "invalid_timezone")
        }
        if let phone = contact.phone, !PhoneNumber.isValidE164(phone) {
            throw .invalid(prefix + "phone", "must be an E.164 number such as +989121234567", code: "invalid_phone")
        }
        if let whatsapp = contact.whatsapp, !PhoneNumber.isValidE164(whatsapp) {
            throw .invalid(prefix + "whatsapp", "must be an E.164 number", code: "invalid_phone")
        }
        if let email = contact.email, !isPlausibleEmail(email) {
            throw .invalid(prefix + "email", "is not an email address", code: "invalid_email")
        }
        for (index, token) in contact.pushTokens.enumerated() where token.token.isEmpty || token.token.count > 4096 {
            throw .invalid(prefix + "push_tokens[\(index)].token", "must be 1–4096 characters")
        }
    }

    /// One "@", a non-empty local part, a dotted domain, no spaces: strict enough to catch mistakes.
    public static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), text.count <= 254
        else { return false }
        return !text.contains(where: \.isWhitespace)
    }
}

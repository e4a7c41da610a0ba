import Foundation

/// Puts an address into the form the policy compares suppressions in: exactly as `Contact.addresses(on:)`
/// lists it — an e-mail address as the contact carries it, a phone as E.164, a push token as
/// `fcm:<token>` or `apns:<token>`, a messenger address as `telegram:<chat id>` or `whatsapp:<E.164>`.
///
/// Only surrounding whitespace is removed: the policy matches byte for byte, so changing case would make a
/// suppression that never matches. Errors never repeat the address.
public enum SuppressionAddress {
    public static func normalize(_ raw: String, field: String = "address") throws(HeraldError) -> String {
        let address = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !address.isEmpty else { throw .invalid(field, "must not be empty") }
        guard address.utf8.count <= 4200 else { throw .invalid(field, "is too long") }
        // SQLite's C API would cut the text at a NUL: `a\0@b.com` was stored as `a`, and could not be removed.
        try Identifier.validateText(address, field: field)
        if let colon = address.firstIndex(of: ":"), schemes.contains(String(address[..<colon])) {
            let scheme = address[..<colon]
            let rest = String(address[address.index(after: colon)...])
            if scheme == "whatsapp" {
                guard PhoneNumber.isValidE164(rest) else {
                    throw .invalid(field, "needs an E.164 number after \"whatsapp:\"", code: "invalid_phone")
                }
            } else {
                guard !rest.isEmpty, !rest.contains(where: \.isWhitespace) else {
                    throw .invalid(field, "needs a token or chat id after \"\(scheme):\"")
                }
            }
            return address
        }
        if address.contains("@") {
            guard EmailAddress.isPlausible(address) else {
                throw .invalid(field, "is not an email address", code: "invalid_email")
            }
            return address
        }
        guard PhoneNumber.isValidE164(address) else { throw .invalid(field, kinds, code: "invalid_address") }
        return address
    }

    /// A suppression reason: a short snake_case word such as `hard_bounce`, `complaint` or `manual`.
    public static func validateReason(_ reason: String, field: String = "reason") throws(HeraldError) {
        let bytes = Array(reason.utf8)
        guard (1...64).contains(bytes.count), let first = bytes.first, (0x61...0x7A).contains(first),
            bytes.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F })
        else {
            throw .invalid(field, "must be 1–64 characters of a-z, 0-9 and _ (e.g. manual, hard_bounce, complaint)")
        }
    }

    static let schemes: Set<String> = ["fcm", "apns", "telegram", "whatsapp"]

    static let kinds =
        "must be an email address, an E.164 phone number, or fcm:, apns:, telegram: or whatsapp: followed by "
        + "the token, chat id or number"
}

import Foundation

/// Intake checks for contacts: each failure names the field (with `prefix`, e.g. "[3]." in a batch).
public enum ContactValidation {
    public static func validate(_ contact: Contact, prefix: String = "") throws(HeraldError) {
        try Identifier.validate(contact.id, field: prefix + "id")
        let texts: [(String, String?)] = [
            ("email", contact.email), ("phone", contact.phone), ("whatsapp", contact.whatsapp),
            ("locale", contact.locale), ("timezone", contact.timezone), ("telegram_chat_id", contact.telegramChatId),
        ]
        for case let (name, value?) in texts { try Identifier.validateText(value, field: prefix + name) }
        if let timezone = contact.timezone, IANATimeZone.zone(timezone) == nil {
            throw .invalid(prefix + "timezone", "is not a known IANA time zone", code: "invalid_timezone")
        }
        if let phone = contact.phone, !PhoneNumber.isValidE164(phone) {
            throw .invalid(prefix + "phone", "must be an E.164 number such as +989121234567", code: "invalid_phone")
        }
        if let whatsapp = contact.whatsapp, !PhoneNumber.isValidE164(whatsapp) {
            throw .invalid(prefix + "whatsapp", "must be an E.164 number", code: "invalid_phone")
        }
        if let email = contact.email, !EmailAddress.isPlausible(email) {
            throw .invalid(prefix + "email", "is not an email address", code: "invalid_email")
        }
        for (index, token) in contact.pushTokens.enumerated() {
            guard !token.token.isEmpty, token.token.count <= 4096 else {
                throw .invalid(prefix + "push_tokens[\(index)].token", "must be 1–4096 characters")
            }
            try Identifier.validateText(token.token, field: prefix + "push_tokens[\(index)].token")
        }
    }
}

import Foundation

extension Contact {
    /// The stored form of a contact (same JSON as the API's), written without Foundation's encoder.
    public var storedJSON: String {
        var out = "{"
        out.reserveCapacity(256)
        out.append("\"attributes\":")
        FastJSON.append(.object(attributes), to: &out)
        func field(_ name: String, _ value: String?) {
            guard let value else { return }
            out.append(",\"\(name)\":")
            FastJSON.appendString(value, to: &out)
        }
        field("email", email)
        field("id", id)
        field("locale", locale)
        field("phone", phone)
        out.append(",\"push_tokens\":[")
        for (i, token) in pushTokens.enumerated() {
            if i > 0 { out.append(",") }
            out.append("{\"platform\":\"\(token.platform.rawValue)\",\"token\":")
            FastJSON.appendString(token.token, to: &out)
            out.append("}")
        }
        out.append("]")
        field("telegram_chat_id", telegramChatId)
        field("timezone", timezone)
        field("whatsapp", whatsapp)
        out.append("}")
        return out
    }

    /// Reads the stored form back; nil when the text is not a contact. Fan-out reads every contact of a segment
    /// through here, so the top level is read member by member instead of through a dictionary.
    public init?(storedJSON text: String) {
        var id: String?
        var timezone: String?
        var locale: String?
        var attributes: [String: JSONValue] = [:]
        var email: String?
        var phone: String?
        var tokens: [PushToken] = []
        var telegramChatId: String?
        var whatsapp: String?
        do {
            try FastJSON.forEachMember(in: text) { key, value in
                switch key {
                case "id": id = value.stringValue
                case "timezone": timezone = value.stringValue
                case "locale": locale = value.stringValue
                case "attributes": attributes = value.objectValue ?? [:]
                case "email": email = value.stringValue
                case "phone": phone = value.stringValue
                case "push_tokens": tokens = Self.pushTokens(value)
                case "telegram_chat_id": telegramChatId = value.stringValue
                case "whatsapp": whatsapp = value.stringValue
                default: return
                }
            }
        } catch {
            return nil
        }
        guard let id else { return nil }
        self.init(
            id: id, timezone: timezone, locale: locale, attributes: attributes, email: email, phone: phone,
            pushTokens: tokens, telegramChatId: telegramChatId, whatsapp: whatsapp)
    }

    private static func pushTokens(_ value: JSONValue) -> [PushToken] {
        guard case .array(let items) = value else { return [] }
        var tokens: [PushToken] = []
        for case .object(let t) in items {
            if case .string(let p)? = t["platform"], let platform = PushToken.Platform(rawValue: p),
                case .string(let token)? = t["token"]
            {
                tokens.append(PushToken(platform: platform, token: token))
            }
        }
        return tokens
    }
}

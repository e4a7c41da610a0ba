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

    /// Reads the stored form back; nil when the text is not a contact.
    public init?(storedJSON text: String) {
        guard case .object(let o)? = try? FastJSON.parse(text), case .string(let id)? = o["id"] else { return nil }
        var tokens: [PushToken] = []
        if case .array(let items)? = o["push_tokens"] {
            for case .object(let t) in items {
                if case .string(let p)? = t["platform"], let platform = PushToken.Platform(rawValue: p),
                    case .string(let token)? = t["token"]
                {
                    tokens.append(PushToken(platform: platform, token: token))
                }
            }
        }
        self.init(
            id: id, timezone: o["timezone"]?.stringValue, locale: o["locale"]?.stringValue,
            attributes: o["attributes"]?.objectValue ?? [:], email: o["email"]?.stringValue,
            phone: o["phone"]?.stringValue, pushTokens: tokens, telegramChatId: o["telegram_chat_id"]?.stringValue,
            whatsapp: o["whatsapp"]?.stringValue)
    }
}

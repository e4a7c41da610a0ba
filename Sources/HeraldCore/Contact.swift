import Foundation

public struct PushToken: Codable, Sendable, Hashable {
    public enum Platform: String, Codable, Sendable { case fcm, apns }
    public var platform: Platform
    public var token: String

    public init(platform: Platform, token: String) {
        self.platform = platform
        self.token = token
    }
}

/// A recipient, keyed by the caller's own user id.
public struct Contact: Codable, Sendable, Hashable {
    public var id: String
    public var timezone: String?
    public var locale: String?
    public var attributes: [String: JSONValue]
    public var email: String?
    public var phone: String?
    public var pushTokens: [PushToken]
    public var telegramChatId: String?
    public var whatsapp: String?

    public init(
        id: String, timezone: String? = nil, locale: String? = nil, attributes: [String: JSONValue] = [:],
        email: String? = nil, phone: String? = nil, pushTokens: [PushToken] = [], telegramChatId: String? = nil,
        whatsapp: String? = nil
    ) {
        self.id = id
        self.timezone = timezone
        self.locale = locale
        self.attributes = attributes
        self.email = email
        self.phone = phone
        self.pushTokens = pushTokens
        self.telegramChatId = telegramChatId
        self.whatsapp = whatsapp
    }

    /// The addresses this contact has on one kind of channel, in the form drivers need.
    public func addresses(on kind: ChannelKind) -> [String] {
        var found: [String] = []
        forEachAddress(on: kind) { found.append($0) }
        return found
    }

    /// How many addresses `forEachAddress()` hands over, counted without spelling them.
    public var addressCount: Int {
        (email == nil ? 0 : 1) + (phone == nil ? 0 : 1) + pushTokens.count + (telegramChatId == nil ? 0 : 1)
            + (whatsapp == nil ? 0 : 1)
    }

    /// Hands over each address the contact has on `kind` (every kind when nil), in kind order, building no list:
    /// fan-out and claims look up every address of thousands of contacts per batch.
    public func forEachAddress(on kind: ChannelKind? = nil, _ body: (String) -> Void) {
        if kind == nil || kind == .email, let email { body(email) }
        if kind == nil || kind == .sms, let phone { body(phone) }
        if kind == nil || kind == .push {
            for token in pushTokens { body("\(token.platform.rawValue):\(token.token)") }
        }
        guard kind == nil || kind == .messenger else { return }
        if let telegramChatId { body("telegram:\(telegramChatId)") }
        if let whatsapp { body("whatsapp:\(whatsapp)") }
    }

    /// The contact as segment expressions and templates see it.
    public var templateContext: JSONValue {
        var object: [String: JSONValue] = [:]
        for name in Self.templateNames { object[name] = templateValue(name) }
        return .object(object)
    }

    static let templateNames = ["id", "attributes", "timezone", "locale"]

    /// One top-level value of `templateContext`, without building it; nil when the contact has none.
    func templateValue(_ name: String) -> JSONValue? {
        switch name {
        case "id": .string(id)
        case "attributes": .object(attributes)
        case "timezone": timezone.map(JSONValue.string)
        case "locale": locale.map(JSONValue.string)
        default: nil
        }
    }
}

extension Contact {
    private enum CodingKeys: String, CodingKey {
        case id, timezone, locale, attributes, email, phone, pushTokens, telegramChatId, whatsapp
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        timezone = try c.decodeIfPresent(String.self, forKey: .timezone)
        locale = try c.decodeIfPresent(String.self, forKey: .locale)
        attributes = try c.decodeIfPresent([String: JSONValue].self, forKey: .attributes) ?? [:]
        email = try c.decodeIfPresent(String.self, forKey: .email)
        phone = try c.decodeIfPresent(String.self, forKey: .phone)
        pushTokens = try c.decodeIfPresent([PushToken].self, forKey: .pushTokens) ?? []
        // Telegram chat ids are integers in the Bot API; accept them as numbers or strings.
        if let number = try? c.decodeIfPresent(Int64.self, forKey: .telegramChatId) {
            telegramChatId = String(number)
        } else {
            telegramChatId = try c.decodeIfPresent(String.self, forKey: .telegramChatId)
        }
        whatsapp = try c.decodeIfPresent(String.self, forKey: .whatsapp)
    }
}

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
///
/// A value, as any struct: its fields live in one immutable box that copies share and a change replaces. Fan-out and
/// claims hand each contact through several layers per delivery (facts, address owners, the policy's input); copying
/// nine reference-counted fields at each step was about 7% of fan-out's CPU in a profile (BENCHMARKS.md, session 28).
public struct Contact: Sendable, Hashable, CustomReflectable {
    private var box: Box

    public init(
        id: String, timezone: String? = nil, locale: String? = nil, attributes: [String: JSONValue] = [:],
        email: String? = nil, phone: String? = nil, pushTokens: [PushToken] = [], telegramChatId: String? = nil,
        whatsapp: String? = nil
    ) {
        box = Box(
            Fields(
                id: id, timezone: timezone, locale: locale, attributes: attributes, email: email, phone: phone,
                pushTokens: pushTokens, telegramChatId: telegramChatId, whatsapp: whatsapp))
    }

    public var id: String { get { box.fields.id } set { change { $0.id = newValue } } }
    public var timezone: String? { get { box.fields.timezone } set { change { $0.timezone = newValue } } }
    public var locale: String? { get { box.fields.locale } set { change { $0.locale = newValue } } }
    public var attributes: [String: JSONValue] { get { box.fields.attributes } set { change { $0.attributes = newValue } } }
    public var email: String? { get { box.fields.email } set { change { $0.email = newValue } } }
    public var phone: String? { get { box.fields.phone } set { change { $0.phone = newValue } } }
    public var pushTokens: [PushToken] { get { box.fields.pushTokens } set { change { $0.pushTokens = newValue } } }
    public var telegramChatId: String? { get { box.fields.telegramChatId } set { change { $0.telegramChatId = newValue } } }
    public var whatsapp: String? { get { box.fields.whatsapp } set { change { $0.whatsapp = newValue } } }

    public static func == (lhs: Contact, rhs: Contact) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }

    /// Printed and dumped with its fields, as before the box (test failures name the field that differs).
    public var customMirror: Mirror { Mirror(self, children: Mirror(reflecting: box.fields).children, displayStyle: .struct) }

    private struct Fields: Sendable, Hashable {
        var id: String
        var timezone: String?
        var locale: String?
        var attributes: [String: JSONValue]
        var email: String?
        var phone: String?
        var pushTokens: [PushToken]
        var telegramChatId: String?
        var whatsapp: String?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// A changed contact gets a box of its own; every copy made before keeps the old one.
    private mutating func change(_ body: (inout Fields) -> Void) {
        var fields = box.fields
        body(&fields)
        box = Box(fields)
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

extension Contact: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, timezone, locale, attributes, email, phone, pushTokens, telegramChatId, whatsapp
    }

    /// Fields are read in declaration order, so a record with several bad fields reports the first, as before.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.decode(String.self, forKey: .id)
        let timezone = try c.decodeIfPresent(String.self, forKey: .timezone)
        let locale = try c.decodeIfPresent(String.self, forKey: .locale)
        let attributes = try c.decodeIfPresent([String: JSONValue].self, forKey: .attributes) ?? [:]
        let email = try c.decodeIfPresent(String.self, forKey: .email)
        let phone = try c.decodeIfPresent(String.self, forKey: .phone)
        let pushTokens = try c.decodeIfPresent([PushToken].self, forKey: .pushTokens) ?? []
        // Telegram chat ids are integers in the Bot API; accept them as numbers or strings.
        let telegramChatId: String?
        if let number = try? c.decodeIfPresent(Int64.self, forKey: .telegramChatId) {
            telegramChatId = String(number)
        } else {
            telegramChatId = try c.decodeIfPresent(String.self, forKey: .telegramChatId)
        }
        self.init(
            id: id, timezone: timezone, locale: locale, attributes: attributes, email: email, phone: phone,
            pushTokens: pushTokens, telegramChatId: telegramChatId,
            whatsapp: try c.decodeIfPresent(String.self, forKey: .whatsapp))
    }

    /// As the compiler's own encoding of the stored fields did: absent optionals left out, the rest always written.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(timezone, forKey: .timezone)
        try c.encodeIfPresent(locale, forKey: .locale)
        try c.encode(attributes, forKey: .attributes)
        try c.encodeIfPresent(email, forKey: .email)
        try c.encodeIfPresent(phone, forKey: .phone)
        try c.encode(pushTokens, forKey: .pushTokens)
        try c.encodeIfPresent(telegramChatId, forKey: .telegramChatId)
        try c.encodeIfPresent(whatsapp, forKey: .whatsapp)
    }
}

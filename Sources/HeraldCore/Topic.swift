/// A marketing topic declared in config (`topics:`): what a person subscribes to on the preference page.
/// Names and descriptions are per language (`en`, `fa`, `ar`, `ru`, …); `channels` are the kinds it is
/// sent on (all kinds when the config leaves it out).
public struct Topic: Codable, Sendable, Hashable {
    public var id: String
    public var name: [String: String]
    public var description: [String: String]?
    public var channels: [ChannelKind]?

    public init(id: String, name: [String: String], description: [String: String]? = nil, channels: [ChannelKind]? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.channels = channels
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, channels
    }

    /// `name` and `description` are maps by language; a plain string is taken as the English (fallback) text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try Self.texts(container, .name) ?? [:]
        description = try Self.texts(container, .description)
        channels = try container.decodeIfPresent([ChannelKind].self, forKey: .channels)
    }

    private static func texts(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> [String: String]? {
        if let text = try? container.decodeIfPresent(String.self, forKey: key) { return ["en": text] }
        return try container.decodeIfPresent([String: String].self, forKey: key)
    }

    /// The kinds this topic is sent on, in the order the config lists them.
    public var kinds: [ChannelKind] { channels ?? ChannelKind.allCases }

    /// The name in `language` (a primary subtag such as `fa`), else English, else any, else the id.
    public func name(in language: String) -> String { Self.pick(name, language) ?? id }

    public func description(in language: String) -> String? { description.flatMap { Self.pick($0, language) } }

    private static func pick(_ texts: [String: String], _ language: String) -> String? {
        texts[language] ?? texts["en"] ?? texts.keys.sorted().first.flatMap { texts[$0] }
    }
}

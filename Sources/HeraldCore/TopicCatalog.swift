/// The declared topics. Empty means none are declared: a job may then name any topic, as before topics
/// existed; once one is declared, a job's topic must be one of them.
public struct TopicCatalog: Sendable, Hashable {
    public let topics: [Topic]
    private let ids: Set<String>

    /// Throws `config_invalid` for a topic the preference page could not show or the ledger could not key.
    public init(_ topics: [Topic] = []) throws(HeraldError) {
        var seen = Set<String>()
        for (index, topic) in topics.enumerated() {
            let field = "topics[\(index)]"
            do {
                try Identifier.validate(topic.id, field: field + ".id", maxLength: Identifier.topicMaxLength)
            } catch {
                throw HeraldError(code: "config_invalid", message: "topic id \(error.message)", field: error.field)
            }
            guard topic.id != "*" else {
                throw HeraldError(code: "config_invalid", message: "`*` means all marketing; pick another id", field: field + ".id")
            }
            guard seen.insert(topic.id).inserted else {
                throw HeraldError(code: "config_invalid", message: "topic \(topic.id) is declared twice", field: field + ".id")
            }
            guard topic.name.values.contains(where: { !$0.isEmpty }) else {
                throw HeraldError(code: "config_invalid", message: "give the topic a name, e.g. name: {en: …}", field: field + ".name")
            }
            if let channels = topic.channels, channels.isEmpty || Set(channels).count != channels.count {
                throw HeraldError(
                    code: "config_invalid", message: "channels must list each kind at most once, and at least one",
                    field: field + ".channels")
            }
        }
        self.topics = topics
        self.ids = seen
    }

    /// No topics declared.
    public static let none = TopicCatalog(unchecked: [])

    private init(unchecked topics: [Topic]) {
        self.topics = topics
        self.ids = Set(topics.map(\.id))
    }

    public var isEmpty: Bool { topics.isEmpty }

    public func topic(id: String) -> Topic? { topics.first { $0.id == id } }

    /// A job's topic must name a declared topic once any is declared (`unknown_topic`, 400).
    public func validateJobTopic(_ topic: String?) throws(HeraldError) {
        guard let topic, !ids.isEmpty, !ids.contains(topic) else { return }
        throw HeraldError(
            code: "unknown_topic",
            message: "topic is not declared in the config's topics (declared: \(ids.sorted().joined(separator: ", ")))",
            field: "topic")
    }
}

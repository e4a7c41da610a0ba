/// A new template version as submitted: `PUT /v1/templates/{id}`'s body, or a file `herald templates push` reads.
public struct TemplateDraft: Codable, Sendable, Hashable {
    public var content: Content
    public var author: String
    public var note: String?

    public init(content: Content, author: String, note: String? = nil) {
        self.content = content
        self.author = author
        self.note = note
    }

    /// The checks a job's content gets (every variant compiles, SMS segments), plus author and note.
    public func validate(smsMaxSegments: Int) throws(HeraldError) {
        guard (1...200).contains(author.count) else { throw .invalid("author", "must be 1–200 characters") }
        try Identifier.validateText(author, field: "author")
        if let note, note.count > 2000 { throw .invalid("note", "must be at most 2000 characters") }
        if let note { try Identifier.validateMessageText(note, field: "note") }
        guard ChannelKind.allCases.contains(where: content.has) else {
            throw .invalid("content", "must have content for at least one channel kind")
        }
        try ContentValidation.validate(content, smsMaxSegments: smsMaxSegments)
    }
}

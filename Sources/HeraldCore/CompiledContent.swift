/// A job's content with its Mustache templates parsed once, rendered per contact.
public struct CompiledContent: Sendable {
    /// Throws a `HeraldError` (code `invalid_template`, field `content.<kind>.<part>`) on a template syntax error.
    public init(_ content: Content) throws(HeraldError) {
        fatalError("not yet implemented")
    }

    /// The rendered content for one channel kind, or nil when the job has no content for it.
    public func render(_ kind: ChannelKind, for contact: Contact) -> RenderedContent? {
        fatalError("not yet implemented")
    }
}

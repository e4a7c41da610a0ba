/// What one channel would send one contact, with what a person checking it before a campaign needs to know.
public struct ChannelPreview: Sendable, Hashable {
    public var channel: ChannelKind
    public var content: RenderedContent
    public var match: LocaleMatch
    /// Placeholders outside sections that the contact has no value for (they render empty).
    public var missingPlaceholders: [String]
    /// Encoding and segments of the rendered SMS text; nil on other channels.
    public var smsLength: SMSLength?
}

extension CompiledContent {
    /// Renders `kind` for `contact` exactly as a send would; nil when there is no content for that channel.
    public func preview(_ kind: ChannelKind, for contact: Contact, links: () -> TemplateLinks? = { nil })
        -> ChannelPreview?
    {
        guard let templates = templates(kind, locale: contact.locale) else { return nil }
        var scope = TemplateScope(contact: contact, links: self.links(links))
        let context = scope.context()
        let rendered = templates.render(&scope, environment(contact, templates.match))
        var names: [String] = []
        for template in templates.all {
            for name in TemplatePlaceholders.variables(in: template.source) where !names.contains(name) {
                names.append(name)
            }
        }
        var length: SMSLength?
        if case .sms(let text) = rendered { length = SMSLength(measuring: text) }
        return ChannelPreview(
            channel: kind, content: rendered, match: templates.match,
            missingPlaceholders: TemplatePlaceholders.missing(names, in: context), smsLength: length)
    }
}

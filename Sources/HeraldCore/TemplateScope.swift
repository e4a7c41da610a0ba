/// What one contact's templates look their names up in: the contact and its links, and Mustache's
/// dictionaries of them, built at most once and only when a template needs Mustache (`PlainTemplate`).
struct TemplateScope {
    let contact: Contact
    let links: TemplateLinks?
    private var built: [String: Any]?

    init(contact: Contact, links: TemplateLinks?) {
        self.contact = contact
        self.links = links
    }

    /// `Contact.templateContext` as Mustache walks it, plus the links.
    mutating func context() -> [String: Any] {
        if let built { return built }
        var context = ContentTemplate.context(for: contact)
        if let links {
            for name in TemplateLinks.names {
                if case .string(let url)? = links.templateValue(name) { context[name] = url }
            }
        }
        built = context
        return context
    }
}

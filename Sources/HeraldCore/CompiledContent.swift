/// A job's content with its Mustache templates parsed once, rendered per contact.
///
/// Templates see `Contact.templateContext`: `{{id}}`, `{{locale}}`, `{{timezone}}`,
/// `{{attributes.first_name}}`, sections over attribute lists and booleans. A missing value renders
/// empty. Only email HTML is HTML-escaped; subjects and every plain-text part keep `&`, `<` and quotes.
public struct CompiledContent: Sendable {
    private struct Email: Sendable {
        var subject: ContentTemplate
        var text: ContentTemplate
        var html: ContentTemplate?
    }
    private struct Push: Sendable {
        var title: ContentTemplate
        var body: ContentTemplate
        var data: [(key: String, value: ContentTemplate)]
    }

    private let email: Email?
    private let sms: ContentTemplate?
    private let push: Push?
    private let messenger: ContentTemplate?

    /// Throws a `HeraldError` (code `invalid_template`, field `content.<kind>.<part>`) on a template syntax error.
    public init(_ content: Content) throws(HeraldError) {
        email = try content.email.map { (email) throws(HeraldError) in
            Email(
                subject: try ContentTemplate(email.subject, field: "content.email.subject", escaping: .none),
                text: try ContentTemplate(email.text, field: "content.email.text", escaping: .none),
                html: try email.html.map { (html) throws(HeraldError) in
                    try ContentTemplate(html, field: "content.email.html", escaping: .html)
                })
        }
        sms = try content.sms.map { (sms) throws(HeraldError) in
            try ContentTemplate(sms.text, field: "content.sms.text", escaping: .none)
        }
        push = try content.push.map { (push) throws(HeraldError) in
            var data: [(key: String, value: ContentTemplate)] = []
            for (key, value) in (push.data ?? [:]).sorted(by: { $0.key < $1.key }) {
                data.append((key, try ContentTemplate(value, field: "content.push.data.\(key)", escaping: .none)))
            }
            return Push(
                title: try ContentTemplate(push.title, field: "content.push.title", escaping: .none),
                body: try ContentTemplate(push.body, field: "content.push.body", escaping: .none),
                data: data)
        }
        messenger = try content.messenger.map { (messenger) throws(HeraldError) in
            try ContentTemplate(messenger.text, field: "content.messenger.text", escaping: .none)
        }
    }

    /// The rendered content for one channel kind, or nil when the job has no content for it.
    public func render(_ kind: ChannelKind, for contact: Contact) -> RenderedContent? {
        switch kind {
        case .email:
            guard let email else { return nil }
            let context = ContentTemplate.context(for: contact)
            return .email(
                subject: email.subject.render(context), text: email.text.render(context),
                html: email.html?.render(context))
        case .sms:
            return sms.map { .sms(text: $0.render(ContentTemplate.context(for: contact))) }
        case .push:
            guard let push else { return nil }
            let context = ContentTemplate.context(for: contact)
            var data: [String: String] = [:]
            for entry in push.data { data[entry.key] = entry.value.render(context) }
            return .push(title: push.title.render(context), body: push.body.render(context), data: data)
        case .messenger:
            return messenger.map { .messenger(text: $0.render(ContentTemplate.context(for: contact))) }
        }
    }
}

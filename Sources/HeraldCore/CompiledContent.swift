/// A job's content with its Mustache templates parsed once, rendered per contact.
///
/// Templates see `Contact.templateContext`: `{{id}}`, `{{locale}}`, `{{timezone}}`,
/// `{{attributes.first_name}}`, sections over attribute lists and booleans. A missing value renders
/// empty. Only email HTML is HTML-escaped; subjects and every plain-text part keep `&`, `<` and quotes.
/// Each channel's locale variants are compiled too; the contact's `locale` picks one (`LocaleMatch`).
public struct CompiledContent: Sendable {
    struct Email: Sendable {
        var subject: ContentTemplate
        var text: ContentTemplate
        var html: ContentTemplate?
    }
    struct Push: Sendable {
        var title: ContentTemplate
        var body: ContentTemplate
        var data: [(key: String, value: ContentTemplate)]
    }

    let email: Localized<Email>?
    let sms: Localized<ContentTemplate>?
    let push: Localized<Push>?
    let messenger: Localized<ContentTemplate>?
    /// Whether any template mentions `unsubscribe_url` or `preferences_url`, so sends of content that does
    /// not sign no links.
    let usesLinks: Bool

    /// Throws a `HeraldError` (code `invalid_template`, field `content.<kind>[.locales.<tag>].<part>`) on a
    /// template syntax error, or `invalid_locale` for a malformed variant key.
    public init(_ content: Content) throws(HeraldError) {
        usesLinks = TemplateLinks.mentioned(in: content)
        email = try content.email.map { (email) throws(HeraldError) in
            try Localized(email, locales: email.locales, field: "content.email", hasLocales: { $0.locales != nil }) {
                (email, field) throws(HeraldError) in
                Email(
                    subject: try ContentTemplate(email.subject, field: "\(field).subject", escaping: .none),
                    text: try ContentTemplate(email.text, field: "\(field).text", escaping: .none),
                    html: try email.html.map { (html) throws(HeraldError) in
                        try ContentTemplate(html, field: "\(field).html", escaping: .html)
                    })
            }
        }
        sms = try content.sms.map { (sms) throws(HeraldError) in
            try Localized(sms, locales: sms.locales, field: "content.sms", hasLocales: { $0.locales != nil }) {
                (sms, field) throws(HeraldError) in
                try ContentTemplate(sms.text, field: "\(field).text", escaping: .none)
            }
        }
        push = try content.push.map { (push) throws(HeraldError) in
            try Localized(push, locales: push.locales, field: "content.push", hasLocales: { $0.locales != nil }) {
                (push, field) throws(HeraldError) in
                var data: [(key: String, value: ContentTemplate)] = []
                for (key, value) in (push.data ?? [:]).sorted(by: { $0.key < $1.key }) {
                    data.append((key, try ContentTemplate(value, field: "\(field).data.\(key)", escaping: .none)))
                }
                return Push(
                    title: try ContentTemplate(push.title, field: "\(field).title", escaping: .none),
                    body: try ContentTemplate(push.body, field: "\(field).body", escaping: .none),
                    data: data)
            }
        }
        messenger = try content.messenger.map { (messenger) throws(HeraldError) in
            try Localized(
                messenger, locales: messenger.locales, field: "content.messenger", hasLocales: { $0.locales != nil }
            ) { (messenger, field) throws(HeraldError) in
                try ContentTemplate(messenger.text, field: "\(field).text", escaping: .none)
            }
        }
    }

    /// The rendered content for one channel kind, or nil when the job has no content for it. `links` fills
    /// `{{unsubscribe_url}}` and `{{preferences_url}}`; it is only called for templates that use them.
    public func render(
        _ kind: ChannelKind, for contact: Contact, links: () -> TemplateLinks? = { nil }
    ) -> RenderedContent? {
        guard let templates = templates(kind, locale: contact.locale) else { return nil }
        var scope = TemplateScope(contact: contact, links: templates.isLiteral ? nil : self.links(links))
        return templates.render(&scope, environment(contact, templates.match))
    }

    /// The links, when a template of this content asks for them.
    func links(_ links: () -> TemplateLinks?) -> TemplateLinks? {
        usesLinks ? links() : nil
    }

    /// Helpers write numbers and dates as the variant's language does, else as the contact's locale does.
    func environment(_ contact: Contact, _ match: LocaleMatch) -> HelperEnvironment {
        HelperEnvironment(locale: match.variant ?? contact.locale, timeZone: contact.timezone)
    }

    /// Which variant `render` uses for this contact and why; nil when the channel's content has no locale
    /// variants, so jobs without them add nothing to the delivery trace.
    public func localeMatch(_ kind: ChannelKind, for contact: Contact) -> LocaleMatch? {
        switch kind {
        case .email: email.flatMap { $0.hasVariants ? $0.pick(contact.locale).match : nil }
        case .sms: sms.flatMap { $0.hasVariants ? $0.pick(contact.locale).match : nil }
        case .push: push.flatMap { $0.hasVariants ? $0.pick(contact.locale).match : nil }
        case .messenger: messenger.flatMap { $0.hasVariants ? $0.pick(contact.locale).match : nil }
        }
    }

    /// The templates of the variant `locale` picks, with the match.
    func templates(_ kind: ChannelKind, locale: String?) -> ChannelTemplates? {
        switch kind {
        case .email: email.map { let (part, match) = $0.pick(locale); return .email(part, match) }
        case .sms: sms.map { let (part, match) = $0.pick(locale); return .sms(part, match) }
        case .push: push.map { let (part, match) = $0.pick(locale); return .push(part, match) }
        case .messenger: messenger.map { let (part, match) = $0.pick(locale); return .messenger(part, match) }
        }
    }
}

/// The templates one channel renders for one contact.
enum ChannelTemplates {
    case email(CompiledContent.Email, LocaleMatch)
    case sms(ContentTemplate, LocaleMatch)
    case push(CompiledContent.Push, LocaleMatch)
    case messenger(ContentTemplate, LocaleMatch)

    var match: LocaleMatch {
        switch self {
        case .email(_, let match), .sms(_, let match), .push(_, let match), .messenger(_, let match): match
        }
    }

    /// No template here has a tag: nothing to look up in the contact's context.
    var isLiteral: Bool {
        switch self {
        case .email(let email, _): email.subject.isLiteral && email.text.isLiteral && email.html?.isLiteral != false
        case .sms(let text, _), .messenger(let text, _): text.isLiteral
        case .push(let push, _): push.title.isLiteral && push.body.isLiteral && push.data.allSatisfy(\.value.isLiteral)
        }
    }

    var all: [ContentTemplate] {
        switch self {
        case .email(let email, _): [email.subject, email.text] + (email.html.map { [$0] } ?? [])
        case .sms(let text, _), .messenger(let text, _): [text]
        case .push(let push, _): [push.title, push.body] + push.data.map(\.value)
        }
    }

    func render(_ scope: inout TemplateScope, _ environment: HelperEnvironment) -> RenderedContent {
        switch self {
        case .email(let email, _):
            return .email(
                subject: email.subject.render(&scope, environment), text: email.text.render(&scope, environment),
                html: email.html?.render(&scope, environment))
        case .sms(let text, _):
            return .sms(text: text.render(&scope, environment))
        case .push(let push, _):
            var data: [String: String] = [:]
            for entry in push.data { data[entry.key] = entry.value.render(&scope, environment) }
            return .push(
                title: push.title.render(&scope, environment), body: push.body.render(&scope, environment),
                data: data)
        case .messenger(let text, _):
            return .messenger(text: text.render(&scope, environment))
        }
    }
}

/// Checks a job's or a stored template's content: every variant's templates compile; nothing a person reads is
/// blank (SMS and messenger text, an email's subject and its body as text or HTML, a push's title or body
/// unless it carries data) or holds a control character but line breaks and tabs; and every SMS variant fits
/// `policy.sms.max_segments` — exactly when the text has no placeholders, otherwise for the text every
/// rendering contains (a value a placeholder adds can only make it longer).
public enum ContentValidation {
    /// The compiled content, for whoever renders it next.
    @discardableResult
    public static func validate(_ content: Content, smsMaxSegments: Int) throws(HeraldError) -> CompiledContent {
        let compiled = try CompiledContent(content)
        if let email = content.email { try validate(email) }
        if let push = content.push { try validate(push) }
        if let messenger = content.messenger {
            for (prefix, variant) in variants("messenger", messenger, messenger.locales) {
                try checkNotBlank(variant.text, field: prefix + ".text")
                try Identifier.validateMessageText(variant.text, field: prefix + ".text")
            }
        }
        guard let sms = content.sms else { return compiled }
        for (prefix, variant) in variants("sms", sms, sms.locales) {
            try checkNotBlank(variant.text, field: prefix + ".text")
            try Identifier.validateMessageText(variant.text, field: prefix + ".text")
            try checkLength(variant.text, field: prefix + ".text", limit: smsMaxSegments)
        }
        return compiled
    }

    /// Each variant's subject, and its body as text or HTML: an email with neither arrives empty.
    private static func validate(_ email: Content.Email) throws(HeraldError) {
        for (prefix, variant) in variants("email", email, email.locales) {
            try checkNotBlank(variant.subject, field: prefix + ".subject")
            try Identifier.validateMessageText(variant.subject, field: prefix + ".subject")
            guard isBlank(variant.text), isBlank(variant.html ?? "") else { continue }
            throw .invalid(prefix + ".text", "must not be empty or only white space when there is no html")
        }
    }

    /// A push with a blank title and body shows an empty notification; with `data` it is a data message for
    /// the app, which is meant.
    private static func validate(_ push: Content.Push) throws(HeraldError) {
        for (prefix, variant) in variants("push", push, push.locales) {
            try Identifier.validateMessageText(variant.title, field: prefix + ".title")
            try Identifier.validateMessageText(variant.body, field: prefix + ".body")
            guard isBlank(variant.title), isBlank(variant.body), variant.data?.isEmpty ?? true else { continue }
            throw .invalid(prefix + ".body", "title and body must not both be empty or only white space without data")
        }
    }

    /// The default and each locale variant, variants in tag order, each with its field path.
    private static func variants<Variant>(
        _ kind: String, _ main: Variant, _ locales: [String: Variant]?
    ) -> [(prefix: String, variant: Variant)] {
        [("content.\(kind)", main)]
            + (locales ?? [:]).sorted { $0.key < $1.key }.map { tag, variant in ("content.\(kind).locales.\(tag)", variant) }
    }

    /// An SMS or messenger message is nothing but its text: empty, or only white space and line breaks, it
    /// would reach the person as a blank message, which no sender means. Placeholders are not resolved here,
    /// so `{{attributes.code}}` passes even where a contact has no code.
    private static func checkNotBlank(_ text: String, field: String) throws(HeraldError) {
        guard isBlank(text) else { return }
        throw .invalid(field, "must not be empty or only white space")
    }

    private static func isBlank(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }

    private static func checkLength(_ template: String, field: String, limit: Int) throws(HeraldError) {
        let fixed = TemplatePlaceholders.fixedText(of: template)
        let length = SMSLength(measuring: fixed ?? template)
        guard length.segments > limit else { return }
        let atLeast = fixed == nil ? "" : "at least "
        throw .invalid(
            field, "is \(atLeast)\(length.segments) \(length.encoding.rawValue) segments; the limit is \(limit)",
            code: "sms_too_long")
    }
}

/// Checks a job's or a stored template's content: every variant's templates compile, SMS and messenger text
/// is not blank and has no control character but line breaks and tabs, and every SMS variant fits `policy.sms.max_segments` — exactly when the text has no
/// placeholders, otherwise for the text every rendering contains (a value a placeholder adds can only make it
/// longer).
public enum ContentValidation {
    /// The compiled content, for whoever renders it next.
    @discardableResult
    public static func validate(_ content: Content, smsMaxSegments: Int) throws(HeraldError) -> CompiledContent {
        let compiled = try CompiledContent(content)
        if let messenger = content.messenger {
            for (field, text) in texts("messenger", messenger.text, messenger.locales, \.text) {
                try checkNotBlank(text, field: field)
                try Identifier.validateMessageText(text, field: field)
            }
        }
        guard let sms = content.sms else { return compiled }
        for (field, text) in texts("sms", sms.text, sms.locales, \.text) {
            try checkNotBlank(text, field: field)
            try Identifier.validateMessageText(text, field: field)
            try checkLength(text, field: field, limit: smsMaxSegments)
        }
        return compiled
    }

    /// The default text and each locale variant's, variants in tag order, each with its field path.
    private static func texts<Variant>(
        _ kind: String, _ text: String, _ locales: [String: Variant]?, _ variantText: (Variant) -> String
    ) -> [(field: String, text: String)] {
        let variants = (locales ?? [:]).sorted { $0.key < $1.key }
        return [("content.\(kind).text", text)]
            + variants.map { tag, variant in ("content.\(kind).locales.\(tag).text", variantText(variant)) }
    }

    /// An SMS or messenger message is nothing but its text: empty, or only white space and line breaks, it
    /// would reach the person as a blank message, which no sender means. Placeholders are not resolved here,
    /// so `{{attributes.code}}` passes even where a contact has no code.
    private static func checkNotBlank(_ text: String, field: String) throws(HeraldError) {
        guard text.allSatisfy(\.isWhitespace) else { return }
        throw .invalid(field, "must not be empty or only white space")
    }

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

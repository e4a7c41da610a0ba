/// Checks a job's or a stored template's content: every variant's templates compile, and every SMS variant
/// fits `policy.sms.max_segments` — exactly when the text has no placeholders, otherwise for the text every
/// rendering contains (a value a placeholder adds can only make it longer).
public enum ContentValidation {
    /// The compiled content, for whoever renders it next.
    @discardableResult
    public static func validate(_ content: Content, smsMaxSegments: Int) throws(HeraldError) -> CompiledContent {
        let compiled = try CompiledContent(content)
        guard let sms = content.sms else { return compiled }
        try checkLength(sms.text, field: "content.sms.text", limit: smsMaxSegments)
        for (key, variant) in (sms.locales ?? [:]).sorted(by: { $0.key < $1.key }) {
            try checkLength(variant.text, field: "content.sms.locales.\(key).text", limit: smsMaxSegments)
        }
        return compiled
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

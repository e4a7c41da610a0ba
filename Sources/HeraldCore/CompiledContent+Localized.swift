/// One channel's compiled content: the default and each locale variant, picked per contact by `LocaleMatch`.
struct Localized<Part: Sendable>: Sendable {
    let base: Part
    /// Normalized tag → the compiled variant.
    private let variants: [String: Part]
    /// Normalized tag → the key as the content spells it.
    private let keys: [String: String]

    /// Compiles the default under `field` and each variant under `field.locales.<key>`; rejects malformed tags,
    /// two keys for one tag, and a variant with `locales` of its own.
    init<Source>(
        _ source: Source, locales: [String: Source]?, field: String,
        hasLocales: (Source) -> Bool, compile: (Source, String) throws(HeraldError) -> Part
    ) throws(HeraldError) {
        base = try compile(source, field)
        var variants: [String: Part] = [:]
        var keys: [String: String] = [:]
        for (key, variant) in (locales ?? [:]).sorted(by: { $0.key < $1.key }) {
            let variantField = "\(field).locales.\(key)"
            guard LocaleMatch.isValidTag(key) else {
                throw .invalid(variantField, "is not a BCP 47 language tag such as fa or pt-BR", code: "invalid_locale")
            }
            let tag = LocaleMatch.normalize(key)
            if let other = keys[tag] {
                throw .invalid(variantField, "names the same locale as \(other)", code: "invalid_locale")
            }
            if hasLocales(variant) {
                throw .invalid("\(variantField).locales", "a locale variant cannot have variants of its own")
            }
            variants[tag] = try compile(variant, variantField)
            keys[tag] = key
        }
        self.variants = variants
        self.keys = keys
    }

    func pick(_ locale: String?) -> (part: Part, match: LocaleMatch) {
        let match = LocaleMatch.pick(locale, among: keys)
        guard let key = match.variant, let part = variants[LocaleMatch.normalize(key)] else { return (base, match) }
        return (part, match)
    }
}

extension Localized {
    var hasVariants: Bool { !keys.isEmpty }
}

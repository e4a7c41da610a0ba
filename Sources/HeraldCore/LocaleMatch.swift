import Foundation

/// Picks a content variant for a contact's BCP 47 `locale`: the most specific variant whose tag is a prefix
/// of the contact's (`fa-IR` → `fa-IR`, then `fa`), else the default content. Tags compare
/// case-insensitively and `_` counts as `-` on the contact's side (`pt_BR` is `pt-BR`).
public struct LocaleMatch: Sendable, Hashable {
    /// The `locales` key that was used, as the content spells it; nil for the default content.
    public var variant: String?
    /// Why, for the delivery trace and the render preview. Carries locale tags only, never content.
    public var reason: String

    public init(variant: String?, reason: String) {
        self.variant = variant
        self.reason = reason
    }

    /// `variants` maps normalized tags (see `normalize`) to the keys as written.
    public static func pick(_ contactLocale: String?, among variants: [String: String]) -> LocaleMatch {
        guard let contactLocale, !contactLocale.unicodeScalars.allSatisfy(CharacterSet.whitespaces.contains) else {
            return LocaleMatch(variant: nil, reason: "the contact has no locale; default content")
        }
        // Most content has no variants: nothing to normalize, and this runs for every message sent.
        if variants.isEmpty {
            return LocaleMatch(variant: nil, reason: "the content has no locale variants; default content")
        }
        for candidate in fallbackChain(contactLocale) {
            if let key = variants[candidate] {
                return LocaleMatch(variant: key, reason: "contact locale \(contactLocale) matched variant \(key)")
            }
        }
        return LocaleMatch(variant: nil, reason: "no variant for contact locale \(contactLocale); default content")
    }

    /// Lowercased, `_` as `-`, surrounding spaces dropped.
    public static func normalize(_ tag: String) -> String {
        tag.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// `fa-Latn-IR` → `fa-latn-ir`, `fa-latn`, `fa`.
    static func fallbackChain(_ tag: String) -> [String] {
        var subtags = normalize(tag).split(separator: "-", omittingEmptySubsequences: false)
        var chain: [String] = []
        while !subtags.isEmpty {
            chain.append(subtags.joined(separator: "-"))
            subtags.removeLast()
        }
        return chain
    }

    /// A variant key: a language subtag of 2–8 letters, then subtags of 1–8 letters or digits, joined by `-`.
    public static func isValidTag(_ tag: String) -> Bool {
        let subtags = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = subtags.first, (2...8).contains(language.count),
            language.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return subtags.dropFirst().allSatisfy { subtag in
            (1...8).contains(subtag.count) && subtag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }

    public var traceStep: TraceStep {
        TraceStep(rule: "content", outcome: variant.map { "variant \($0)" } ?? "default", detail: reason)
    }
}

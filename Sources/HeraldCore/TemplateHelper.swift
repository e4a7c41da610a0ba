import Foundation

/// Herald's helpers on top of Mustache: `{{ attributes.first_name | default: "friend" }}`,
/// `{{ attributes.points | number }}`, `{{ attributes.code | digits }}`, `{{ attributes.renews_on | date }}`.
/// Filters apply left to right to the value at `path` (read from the top of the contact context); a list or an
/// object there counts as missing, as its Swift description (`["a": 1]`) is nothing a message should show.
/// Before Mustache parses a template, each helper tag becomes a plain variable whose value is computed
/// per render (`TemplateHelper+Render.swift`), so escaping works as for any other tag.
struct TemplateHelper: Sendable, Hashable {
    enum Filter: Sendable, Hashable {
        /// The text to use when the value is missing, null or empty.
        case fallback(String)
        /// The number in the locale's digits, grouping and decimal separator, digit for digit up to 38 of them
        /// (a Double would round 12345678901234567); text that is no JSON number is left as written.
        case number
        /// Every ASCII digit as the locale's digit (Persian ۰–۹, Arabic-Indic ٠–٩), nothing else changed.
        case digits
        /// An RFC 3339 instant or a YYYY-MM-DD date, as the locale writes a date, in the contact's zone.
        case date
    }

    /// The variable the rewritten template reads.
    var key: String
    var path: String
    var filters: [Filter]
}

extension TemplateHelper.Filter {
    var isFallback: Bool { if case .fallback = self { true } else { false } }
}

extension TemplateHelper {
    /// Replaces every helper tag (a variable tag with `|`) by a plain variable; nil when there is none.
    static func rewrite(_ source: String, field: String) throws(HeraldError)
        -> (source: String, helpers: [TemplateHelper])?
    {
        guard source.contains("|") else { return nil }
        var output = ""
        var helpers: [TemplateHelper] = []
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            output += rest[rest.startIndex..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            let triple = afterOpen.first == "{"
            // An unclosed tag is Mustache's to report.
            guard let close = afterOpen.range(of: triple ? "}}}" : "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            var tag = afterOpen[afterOpen.startIndex..<close.lowerBound].dropFirst(triple ? 1 : 0)
            let whole = rest[open.lowerBound..<close.upperBound]
            rest = afterOpen[close.upperBound...]
            // A delimiter change means the rest is not in `{{ }}` any more: leave it to Mustache.
            if !triple, tag.first == "=" {
                output += whole
                break
            }
            let unescaped = !triple && tag.first == "&"
            if unescaped { tag = tag.dropFirst() }
            guard tag.contains("|"), triple || unescaped || !"!%>#^/".contains(tag.first ?? " ") else {
                output += whole
                continue
            }
            let (path, filters) = try parse(tag, field: field)
            let key = "herald_helper_\(helpers.count)"
            helpers.append(TemplateHelper(key: key, path: path, filters: filters))
            output += triple ? "{{{\(key)}}}" : unescaped ? "{{&\(key)}}" : "{{\(key)}}"
        }
        output += rest
        return helpers.isEmpty ? nil : (output, helpers)
    }

    /// `path | name | name: "argument"` → path and filters.
    static func parse(_ tag: Substring, field: String) throws(HeraldError) -> (path: String, filters: [Filter]) {
        var parts = splitOutsideQuotes(tag)
        let path = parts.removeFirst().trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty, path.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) }) else {
            throw invalid("a helper needs a value such as attributes.first_name before |", field)
        }
        var filters: [Filter] = []
        for part in parts {
            let text = part.trimmingCharacters(in: .whitespaces)
            let name = text.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces)
            let argument = text.contains(":") ? try quoted(text.drop { $0 != ":" }.dropFirst(), field: field) : nil
            switch (name, argument) {
            case ("default", let text?): filters.append(.fallback(text))
            case ("number", nil): filters.append(.number)
            case ("digits", nil): filters.append(.digits)
            case ("date", nil): filters.append(.date)
            case ("default", nil): throw invalid("default needs a quoted text, e.g. default: \"friend\"", field)
            default: throw invalid("unknown helper \(name); use default, number, digits or date", field)
            }
        }
        return (path, filters)
    }

    private static func quoted(_ text: Substring, field: String) throws(HeraldError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let quote = trimmed.first, quote == "\"" || quote == "'", trimmed.count >= 2, trimmed.last == quote else {
            throw invalid("a helper's argument must be quoted, e.g. default: \"friend\"", field)
        }
        return String(trimmed.dropFirst().dropLast())
    }

    /// Splits on `|` except inside '…' or "…".
    private static func splitOutsideQuotes(_ tag: Substring) -> [Substring] {
        var parts: [Substring] = []
        var start = tag.startIndex
        var quote: Character?
        for index in tag.indices {
            let character = tag[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "|" {
                parts.append(tag[start..<index])
                start = tag.index(after: index)
            }
        }
        parts.append(tag[start...])
        return parts
    }

    private static func invalid(_ message: String, _ field: String) -> HeraldError {
        HeraldError(code: "invalid_template", message: message, field: field)
    }
}

import Foundation

/// What a template's text is made of, read from its source.
enum TemplatePlaceholders {
    /// The text every rendering contains: `source` without its tags and without what sections enclose.
    /// Nil when the template has no tags, i.e. when the source is exactly what will be sent.
    static func fixedText(of source: String) -> String? {
        guard source.contains("{{") else { return nil }
        var text = ""
        var depth = 0
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            if depth == 0 { text += rest[rest.startIndex..<open.lowerBound] }
            let afterOpen = rest[open.upperBound...]
            let triple = afterOpen.first == "{"
            guard let close = afterOpen.range(of: triple ? "}}}" : "}}") else { return text }
            switch triple ? nil : afterOpen.first {
            case "#", "^": depth += 1
            case "/": depth = max(depth - 1, 0)
            case "=": return text
            default: break
            }
            rest = afterOpen[close.upperBound...]
        }
        if depth == 0 { text += rest }
        return text
    }
}

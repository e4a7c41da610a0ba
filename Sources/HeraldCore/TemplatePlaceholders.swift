import Foundation

/// The values a template reads, for the render preview's list of missing placeholders. Only tags outside
/// sections count: a section (`{{#attributes.vip}}…{{/attributes.vip}}`) is how a template says a value
/// may be absent, so what it guards is not reported.
enum TemplatePlaceholders {
    /// Dotted names of the variable tags outside sections, in order of first use, without repeats.
    static func variables(in source: String) -> [String] {
        var names: [String] = []
        var depth = 0
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            let afterOpen = rest[open.upperBound...]
            let triple = afterOpen.first == "{"
            guard let close = afterOpen.range(of: triple ? "}}}" : "}}") else { break }
            var tag = afterOpen[afterOpen.startIndex..<close.lowerBound]
            rest = afterOpen[close.upperBound...]
            if triple { tag = tag.dropFirst() }
            let sigil = triple ? nil : tag.first
            switch sigil {
            case "#", "^": depth += 1
            case "/": depth = max(depth - 1, 0)
            // A delimiter change means the rest is not in `{{ }}` any more: stop rather than guess.
            case "=": return names
            case "!", ">", "%": continue
            default:
                guard depth == 0 else { continue }
                let body = sigil == "&" ? tag.dropFirst() : tag
                // A helper with a default is never missing; other helpers need their value.
                if body.contains("|") {
                    guard let helper = try? TemplateHelper.parse(body, field: ""),
                        !helper.filters.contains(where: \.isFallback)
                    else { continue }
                    if !names.contains(helper.path) { names.append(helper.path) }
                    continue
                }
                let name = variableName(body)
                if !name.isEmpty, name != ".", !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    /// The names among `names` that resolve to nothing (or null) in `context`.
    static func missing(_ names: [String], in context: [String: Any]) -> [String] {
        names.filter { TemplateContextPath.value(at: $0, in: context) == nil }
    }

    /// `attributes.first_name`, also inside a transform such as `uppercased(attributes.first_name)`.
    private static func variableName(_ tag: Substring) -> String {
        var name = tag.trimmingCharacters(in: .whitespaces)
        if let open = name.lastIndex(of: "("), let close = name.firstIndex(of: ")"), open < close {
            name = String(name[name.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        return name
    }
}

extension TemplatePlaceholders {
    /// The text every rendering contains: `source` without its tags and without what sections enclose.
    /// Nil when the template has no tags, i.e. when the source is exactly what will be sent.
    static func fixedText(of source: String) -> String? {
        guard ContentTemplate.hasTag(source) else { return nil }
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

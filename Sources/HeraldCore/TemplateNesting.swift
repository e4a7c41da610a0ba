/// What a template may ask of swift-mustache's parser, checked before it runs: the parser recurses once per
/// nested section and once per `(` of a transform in a tag, with no limit, and a template of a few thousand
/// nested sections (31 KB) overflowed the stack and took the whole daemon down.
///
/// The scan reads the template as the parser does: Swift characters (a `{` with a combining accent is not a
/// brace), tags between `{{` and `}}`, the sigil right after `{{`. Changing the delimiters (`{{=<% %>=}}`) is
/// refused, so there is one way to find tags and no scope rules to copy.
enum TemplateNesting {
    /// Far beyond any real message (a handful of levels) and far below what the parser survives (~2,500).
    static let maximumDepth = 64
    /// Transforms inside one tag, `{{ f(g(name)) }}`.
    static let maximumTransforms = 8
    /// Compiling grows faster than the template: 8,000 tags or 4 MB took seconds of a core (debug build), and a
    /// few such renders at once held every request. A large newsletter has a few hundred tags and stays under
    /// Gmail's 102 KB clipping.
    static let maximumTags = 2_000
    static let maximumBytes = 256 * 1024

    enum Refusal: Equatable {
        case tooDeep
        case tooManyTransforms
        case tooManyTags
        case tooLong
        case delimiterChange
    }

    /// Nil when the parser may have the template; otherwise why not.
    static func refusal(_ source: String) -> Refusal? {
        guard source.utf8.count <= maximumBytes else { return .tooLong }
        let characters = Array(source)
        var index = 0
        var depth = 0
        var tags = 0
        while let start = find(["{", "{"], in: characters, from: index) {
            tags += 1
            if tags > maximumTags { return .tooManyTags }
            var content = start + 2
            let triple = content < characters.count && characters[content] == "{"
            if triple { content += 1 }
            // An unclosed tag is the parser's to report; it reads nothing after it.
            let closing: [Character] = triple ? ["}", "}", "}"] : ["}", "}"]
            guard let end = find(closing, in: characters, from: content) else { return nil }
            index = end + (triple ? 3 : 2)
            let tag = characters[content..<end]
            if tag.filter({ $0 == "(" }).count > maximumTransforms { return .tooManyTransforms }
            guard !triple, let sigil = tag.first else { continue }
            switch sigil {
            case "#", "^", "$", "<":
                depth += 1
                if depth > maximumDepth { return .tooDeep }
            case "/": depth = max(0, depth - 1)
            case "=": return .delimiterChange
            default: break
            }
        }
        return nil
    }

    private static func find(_ needle: [Character], in characters: [Character], from start: Int) -> Int? {
        guard start <= characters.count - needle.count else { return nil }
        var index = start
        while index <= characters.count - needle.count {
            if characters[index] == needle[0], characters[index..<index + needle.count].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}

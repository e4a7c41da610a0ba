/// How deep a template's sections nest, found before Mustache parses it: swift-mustache's parser recurses
/// once per level with no limit, and a template of a few thousand nested sections (31 KB) overflowed the
/// stack and took the whole daemon down.
enum TemplateNesting {
    /// Far beyond any real message (a handful of levels) and far below what the parser survives (~2,500).
    static let maximumDepth = 64

    /// The deepest nesting of section tags (`#`, `^`, `$`, `<`), following delimiter changes. It never reads
    /// less than Mustache would: a tag that only looks like a section still counts, so the check errs on the
    /// side of refusing.
    static func depth(of source: String) -> Int {
        let bytes = Array(source.utf8)
        var open: [UInt8] = Array("{{".utf8)
        var close: [UInt8] = Array("}}".utf8)
        var index = 0
        var depth = 0
        var deepest = 0
        while let start = find(open, in: bytes, from: index) {
            var content = start + open.count
            let triple = content < bytes.count && bytes[content] == UInt8(ascii: "{")
            if triple { content += 1 }
            // An unclosed tag is Mustache's to report.
            guard let end = find(triple ? [UInt8(ascii: "}")] + close : close, in: bytes, from: content) else { break }
            let tag = bytes[content..<end].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            index = end + (triple ? 1 : 0) + close.count
            switch triple ? nil : tag.first {
            case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "<"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "/"):
                depth = max(0, depth - 1)
            case UInt8(ascii: "="):
                // `{{=<% %>=}}`: the two new delimiters, between the equals signs, split by spaces.
                var inner = Array(tag.dropFirst())
                while inner.last == UInt8(ascii: " ") || inner.last == UInt8(ascii: "\t") { inner.removeLast() }
                if inner.last == UInt8(ascii: "=") { inner.removeLast() }
                let parts = inner.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
                if parts.count == 2 {
                    open = Array(parts[0])
                    close = Array(parts[1])
                }
            default: break
            }
        }
        return deepest
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

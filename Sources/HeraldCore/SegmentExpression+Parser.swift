/// Recursive descent over the tokens. Loosest to tightest: `or`, `and`, `not`, comparisons and `in`,
/// then values (literals, fields, lists, parentheses). So `not a == b` means `not (a == b)`.
struct SegmentParser {
    private typealias Token = SegmentLexer.Token

    /// Deeper nesting than any real segment; stops a hostile one from exhausting the stack.
    static let maximumDepth = 64

    private let tokens: [Token]
    private var position = 0
    private var depth = 0

    static func parse(_ source: String) throws(HeraldError) -> SegmentNode {
        var parser = SegmentParser(tokens: try SegmentLexer.tokenize(source))
        if parser.current.kind == .end { throw SegmentSyntax.error("empty segment expression", column: 1) }
        let root = try parser.parseOr()
        guard parser.current.kind == .end else { throw parser.unexpected() }
        return root
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    private var current: Token { tokens[position] }
    private mutating func advance() { position = min(position + 1, tokens.count - 1) }

    private mutating func parseOr() throws(HeraldError) -> SegmentNode {
        var terms = [try parseAnd()]
        while current.keyword == "or" {
            advance()
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .any(terms)
    }

    private mutating func parseAnd() throws(HeraldError) -> SegmentNode {
        var terms = [try parseNot()]
        while current.keyword == "and" {
            advance()
            terms.append(try parseNot())
        }
        return terms.count == 1 ? terms[0] : .all(terms)
    }

    private mutating func parseNot() throws(HeraldError) -> SegmentNode {
        guard current.keyword == "not" else { return try parseComparison() }
        try enter()
        defer { depth -= 1 }
        advance()
        return .not(try parseNot())
    }

    private mutating func parseComparison() throws(HeraldError) -> SegmentNode {
        let lhs = try parseValue()
        let node: SegmentNode
        if case .symbol(let symbol) = current.kind, let op = SegmentNode.Comparison(rawValue: symbol) {
            advance()
            node = .compare(op, lhs, try parseValue())
        } else if current.keyword == "in" {
            advance()
            node = Self.membership(lhs, try parseValue(), negated: false)
        } else if current.keyword == "not" {
            advance()
            guard current.keyword == "in" else { throw unexpected(expecting: "'in' after 'not'") }
            advance()
            node = Self.membership(lhs, try parseValue(), negated: true)
        } else {
            return lhs
        }
        if case .symbol(let symbol) = current.kind, SegmentNode.Comparison(rawValue: symbol) != nil {
            throw unexpected(expecting: "'and' or 'or' (comparisons do not chain)")
        }
        if current.keyword == "in" { throw unexpected(expecting: "'and' or 'or' (comparisons do not chain)") }
        return node
    }

    private static func membership(_ needle: SegmentNode, _ haystack: SegmentNode, negated: Bool) -> SegmentNode {
        if case .constant(.array(let elements)) = haystack {
            return .memberOfSet(needle, Set(elements), negated: negated)
        }
        return .membership(needle, in: haystack, negated: negated)
    }

    private mutating func parseValue() throws(HeraldError) -> SegmentNode {
        let token = current
        switch token.kind {
        case .string(let text):
            advance()
            return .constant(.string(text))
        case .number(let number):
            advance()
            return .constant(.number(number))
        case .symbol("("):
            try enter()
            defer { depth -= 1 }
            advance()
            let inner = try parseOr()
            guard current.kind == .symbol(")") else {
                throw unexpected(expecting: "')' to close the '(' at column \(token.column)")
            }
            advance()
            return inner
        case .symbol("["):
            return try parseList()
        case .word(let parts):
            switch token.keyword {
            case "true": advance(); return .constant(.bool(true))
            case "false": advance(); return .constant(.bool(false))
            case "null": advance(); return .constant(.null)
            case nil: break
            default: throw unexpected(expecting: "a value")
            }
            advance()
            return .field(try Self.field(parts, column: token.column), trailing: Self.trailing(parts))
        default:
            throw unexpected(expecting: "a value")
        }
    }

    private mutating func parseList() throws(HeraldError) -> SegmentNode {
        let open = current.column
        try enter()
        defer { depth -= 1 }
        advance()
        var elements: [SegmentNode] = []
        while current.kind != .symbol("]") {
            elements.append(try parseValue())
            if current.kind == .symbol(",") {
                advance()
            } else if current.kind != .symbol("]") {
                throw unexpected(expecting: "',' or ']' to close the '[' at column \(open)")
            }
        }
        advance()
        var constants: [JSONValue] = []
        for element in elements {
            guard case .constant(let value) = element else { return .list(elements) }
            constants.append(value)
        }
        return .constant(.array(constants))
    }

    private static func field(_ parts: [String], column: Int) throws(HeraldError) -> SegmentNode.Field {
        switch parts[0] {
        case "attributes": return .attributes(Array(parts.dropFirst()))
        case "id": return .id
        case "timezone": return .timezone
        case "locale": return .locale
        default:
            let name = String(parts[0].prefix(40))
            throw SegmentSyntax.error(
                "unknown field '\(name)' (use attributes.\(name), id, timezone or locale)", column: column)
        }
    }

    private static func trailing(_ parts: [String]) -> [String] {
        parts[0] == "attributes" ? [] : Array(parts.dropFirst())
    }

    private mutating func enter() throws(HeraldError) {
        depth += 1
        if depth > Self.maximumDepth { throw SegmentSyntax.error("expression nested too deeply", column: current.column) }
    }

    private func unexpected(expecting expected: String? = nil) -> HeraldError {
        let found: String =
            switch current.kind {
            case .end: "the end of the expression"
            case .string: "a string"
            case .number: "a number"
            case .symbol(let s): "'\(s)'"
            case .word(let parts): "'\(parts.joined(separator: ".").prefix(40))'"
            }
        let message = expected.map { "expected \($0) but found \(found)" } ?? "unexpected \(found)"
        return SegmentSyntax.error(message, column: current.column)
    }
}

/// Turns segment text into tokens, each with the 1-based column (in characters) where it starts.
struct SegmentLexer {
    struct Token: Sendable {
        enum Kind: Sendable, Equatable {
            /// A dotted word such as `attributes.country`, already split; keywords are words too.
            case word([String])
            case string(String)
            case number(Double)
            /// `( ) [ ] , == != < <= > >=`
            case symbol(String)
            case end
        }
        var kind: Kind
        var column: Int

        /// The lower-cased keyword this token spells (`and`, `or`, `not`, `in`, `true`, `false`, `null`).
        var keyword: String? {
            guard case .word(let parts) = kind, parts.count == 1 else { return nil }
            let lowered = parts[0].lowercased()
            return Self.keywords.contains(lowered) ? lowered : nil
        }

        static let keywords: Set<String> = ["and", "or", "not", "in", "true", "false", "null"]
    }

    private let characters: [Character]
    private var index = 0

    init(_ source: String) { characters = Array(source) }

    static func tokenize(_ source: String) throws(HeraldError) -> [Token] {
        var lexer = SegmentLexer(source)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var column: Int { index + 1 }
    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < characters.count ? characters[index + offset] : nil
    }

    private mutating func next() throws(HeraldError) -> Token {
        while let c = peek(), c.isWhitespace { index += 1 }
        let start = column
        guard let c = peek() else { return Token(kind: .end, column: start) }
        if c == "\"" { return Token(kind: .string(try string()), column: start) }
        if Self.isDigit(c) || (c == "-" && Self.isDigit(peek(1))) {
            return Token(kind: .number(try number()), column: start)
        }
        if Self.startsWord(c) { return Token(kind: .word(word()), column: start) }
        for symbol in ["==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ","] where matches(symbol) {
            index += symbol.count
            return Token(kind: .symbol(symbol), column: start)
        }
        let hint = c == "=" ? " (use ==)" : c == "'" ? " (strings use double quotes)" : ""
        throw SegmentSyntax.error("unexpected character '\(c)'\(hint)", column: start)
    }

    private func matches(_ symbol: String) -> Bool {
        for (offset, expected) in symbol.enumerated() where peek(offset) != expected { return false }
        return true
    }

    private static func startsWord(_ c: Character) -> Bool { c.isLetter || c == "_" }
    private static func continuesWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// `attributes.a.b`: segments after a dot may start with a digit (`attributes.2fa`).
    private mutating func word() -> [String] {
        var parts: [String] = []
        var current = ""
        while let c = peek() {
            if Self.continuesWord(c) {
                current.append(c)
                index += 1
            } else if c == ".", let after = peek(1), Self.continuesWord(after) {
                parts.append(current)
                current = ""
                index += 1
            } else {
                break
            }
        }
        parts.append(current)
        return parts
    }

    private mutating func number() throws(HeraldError) -> Double {
        let start = column
        var text = ""
        if peek() == "-" { take(1, into: &text) }
        takeDigits(into: &text)
        if peek() == ".", Self.isDigit(peek(1)) {
            take(1, into: &text)
            takeDigits(into: &text)
        }
        if peek() == "e" || peek() == "E" {
            let signLength = (peek(1) == "+" || peek(1) == "-") ? 1 : 0
            if Self.isDigit(peek(1 + signLength)) {
                take(1 + signLength, into: &text)
                takeDigits(into: &text)
            }
        }
        guard let value = Double(text), value.isFinite, !(peek().map { Self.continuesWord($0) || $0 == "." } ?? false)
        else { throw SegmentSyntax.error("malformed number", column: start) }
        return value
    }

    private static func isDigit(_ c: Character?) -> Bool { c.map { $0.isASCII && $0.isNumber } ?? false }

    private mutating func take(_ count: Int, into text: inout String) {
        for _ in 0..<count {
            text.append(characters[index])
            index += 1
        }
    }

    private mutating func takeDigits(into text: inout String) {
        while Self.isDigit(peek()) { take(1, into: &text) }
    }

    private mutating func string() throws(HeraldError) -> String {
        let start = column
        index += 1  // opening quote
        var value = ""
        while let c = peek() {
            index += 1
            switch c {
            case "\"":
                return value
            case "\\":
                guard let escaped = peek() else { break }
                let replacement: Character? =
                    switch escaped {
                    case "\"": "\""
                    case "\\": "\\"
                    case "n": "\n"
                    case "t": "\t"
                    default: nil
                    }
                guard let replacement else {
                    throw SegmentSyntax.error("unknown escape '\\\(escaped)' in string", column: column - 1)
                }
                value.append(replacement)
                index += 1
            default:
                value.append(c)
            }
        }
        throw SegmentSyntax.error("unterminated string starting", column: start)
    }
}

/// Builds the one error shape every segment syntax problem has.
enum SegmentSyntax {
    static func error(_ problem: String, column: Int) -> HeraldError {
        HeraldError(code: "invalid_segment", message: "\(problem) at column \(column)", field: "audience.segment")
    }
}

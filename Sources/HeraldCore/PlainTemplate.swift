import Foundation

/// A template whose every tag is a plain variable (`{{attributes.first_name}}`, `{{ id }}`): the usual shape
/// of a campaign's text. It renders by looking each name up in the contact itself, without building
/// Mustache's dictionaries or running its renderer (dynamic casts and a name split per tag), which together
/// were a sixth of the engine's CPU per message. The output is Mustache's, character for character (a
/// property test compares the two); a template with any other tag, and a value Mustache would print as a
/// list or an object, is left to Mustache.
struct PlainTemplate: Sendable {
    enum Part: Sendable {
        case text(String)
        case name([String])
    }

    let parts: [Part]
    let escaping: ContentTemplate.Escaping

    /// Nil unless every tag of `source` is a plain dotted name. Read by `Character`, as Mustache reads it.
    init?(_ source: String, escaping: ContentTemplate.Escaping) {
        let characters = Array(source)
        var parts: [Part] = []
        var text = ""
        var index = 0
        while index < characters.count {
            guard characters[index] == "{", index + 1 < characters.count, characters[index + 1] == "{" else {
                text.append(characters[index])
                index += 1
                continue
            }
            guard let close = Self.closing(characters, from: index + 2),
                let path = Self.path(characters[(index + 2)..<close])
            else { return nil }
            if !text.isEmpty { parts.append(.text(text)) }
            text = ""
            parts.append(.name(path))
            index = close + 2
        }
        if !text.isEmpty { parts.append(.text(Self.droppingLastBlankLine(text))) }
        self.parts = parts
        self.escaping = escaping
    }

    /// The text for `contact`, or nil when a value is one Mustache must print.
    func render(_ contact: Contact, links: TemplateLinks?) -> String? {
        var output = ""
        for part in parts {
            switch part {
            case .text(let text): output += text
            case .name(let path):
                guard let value = Self.text(at: path, contact, links) else { return nil }
                output += escaping == .html ? Self.htmlEscape(value) : value
            }
        }
        return output
    }

    /// Mustache holds the spaces and tabs that open a line until it sees what follows them, and drops them
    /// when the template ends there: `{{id}}\n\t` renders as `u-42\n`.
    private static func droppingLastBlankLine(_ text: String) -> String {
        let characters = Array(text)
        var end = characters.count
        while end > 0, characters[end - 1] == " " || characters[end - 1] == "\t" { end -= 1 }
        guard end < characters.count, end > 0, characters[end - 1] == "\n" || characters[end - 1] == "\r\n" else {
            return text
        }
        return String(characters[..<end])
    }

    private static func closing(_ characters: [Character], from start: Int) -> Int? {
        var index = start
        while index + 1 < characters.count {
            if characters[index] == "}", characters[index + 1] == "}" { return index }
            index += 1
        }
        return nil
    }

    /// `a.b.c` between optional spaces: ASCII letters, digits and `_`, no empty segment. Tabs, line breaks
    /// and other names are left to Mustache (it reads a tag that opens with a line break as something else).
    private static func path(_ tag: ArraySlice<Character>) -> [String]? {
        let name = tag.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
        let segments = name.split(separator: ".", omittingEmptySubsequences: false).map { String($0) }
        let valid = segments.allSatisfy { segment in
            !segment.isEmpty
                && segment.utf8.allSatisfy { byte in
                    byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                }
        }
        return valid ? segments : nil
    }

    /// What Mustache prints for the name: "" when it is missing, nil when it is a list or an object (or a
    /// scalar a later segment reaches into).
    private static func text(at path: [String], _ contact: Contact, _ links: TemplateLinks?) -> String? {
        guard var value = contact.templateValue(path[0]) ?? links?.templateValue(path[0]) else { return "" }
        for segment in path.dropFirst() {
            guard case .object(let members) = value else { return value == .null ? "" : nil }
            guard let member = members[segment] else { return "" }
            value = member
        }
        switch value {
        case .null: return ""
        case .string(let text): return text
        case .bool(let flag): return String(describing: flag)
        case .number(let number): return String(describing: ContentTemplate.mustacheNumber(number))
        case .decimal(let number): return number.description
        case .array, .object: return nil
        }
    }

    /// Mustache's HTML escaping, character by character as it does it.
    private static func htmlEscape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

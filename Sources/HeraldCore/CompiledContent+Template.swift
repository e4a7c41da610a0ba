import Foundation
import Mustache

/// One Mustache template of a job's content, with the escaping its part needs.
struct ContentTemplate: Sendable {
    enum Escaping: Sendable { case none, html }

    /// swift-mustache escapes `{{ }}` for HTML unless a template declares another content type, so
    /// plain-text parts get this pragma in front, on a line of its own: a standalone tag, whose line Mustache
    /// removes. The template then starts on a line as the HTML part does. (Directly after a tag, a first
    /// character that joins the one before it, such as a ZWNJ or a combining accent, merged with the tag's
    /// closing brace and the tag ran on through the text.)
    private static let plainTextPrefix = "{{%CONTENT_TYPE:TEXT}}\n"

    private let template: MustacheTemplate
    /// The template as written, for the render preview's placeholder check.
    let source: String
    /// What renders besides the Mustache template. One reference: with another stored field here the debug
    /// build (Swift 6.3) crashed destroying a `CompiledContent` in its initializer.
    private let parts: Parts

    private final class Parts: Sendable {
        /// `{{ path | filter }}` tags, rewritten to plain variables computed per render.
        let helpers: [TemplateHelper]
        /// The same template rendered without Mustache, when every tag is a plain name.
        let plain: PlainTemplate?

        init(helpers: [TemplateHelper], plain: PlainTemplate?) {
            self.helpers = helpers
            self.plain = plain
        }

        /// The parts of every template without a tag; `isLiteral` is identity with it.
        static let literal = Parts(helpers: [], plain: nil)
    }

    init(_ source: String, field: String, escaping: Escaping) throws(HeraldError) {
        self.source = source
        if !Self.hasTag(source) {
            template = Self.unused
            parts = .literal
        } else {
            let parsed = try Self.parse(source, field: field, escaping: escaping)
            template = parsed.template
            parts = Parts(
                helpers: parsed.helpers,
                plain: parsed.helpers.isEmpty ? PlainTemplate(source, escaping: escaping) : nil)
        }
    }

    private static func parse(_ source: String, field: String, escaping: Escaping) throws(HeraldError)
        -> (template: MustacheTemplate, helpers: [TemplateHelper])
    {
        if let refusal = TemplateNesting.refusal(source) {
            let message =
                switch refusal {
                case .tooDeep: "sections nested more than \(TemplateNesting.maximumDepth) levels deep"
                case .tooManyTransforms: "more than \(TemplateNesting.maximumTransforms) transforms in one tag"
                case .tooManyTags: "more than \(TemplateNesting.maximumTags) tags"
                case .tooLong: "a template over \(TemplateNesting.maximumBytes / 1024) KiB"
                case .delimiterChange: "changing the delimiters ({{= =}}) is not supported"
                }
            throw HeraldError(code: "invalid_template", message: message, field: field)
        }
        let rewritten = try TemplateHelper.rewrite(source, field: field)
        let prefix = escaping == .none ? plainTextPrefix : ""
        do {
            return (try MustacheTemplate(string: prefix + (rewritten?.source ?? source)), rewritten?.helpers ?? [])
        } catch let error as MustacheTemplate.ParserError {
            // The text prefix is a line of its own: the template's lines come after it.
            let line = error.context.lineNumber - (prefix.isEmpty ? 0 : 1)
            let column = error.context.columnNumber
            throw HeraldError(
                code: "invalid_template", message: "template syntax error at line \(line), column \(column)",
                field: field)
        } catch {
            throw HeraldError(code: "invalid_template", message: "template syntax error", field: field)
        }
    }

    /// Text without a tag (no `{{`) renders as written: most one-contact messages (a code already in the
    /// text) then parse nothing and build no contact context.
    /// Known from `parts`, not stored: with a stored flag beside these fields the debug build (Swift 6.3)
    /// crashed destroying a `CompiledContent` in its initializer.
    var isLiteral: Bool { parts === Parts.literal }

    /// What a literal holds in place of a template.
    private static let unused = try! MustacheTemplate(string: "")

    func render(_ scope: inout TemplateScope, _ environment: HelperEnvironment) -> String {
        if let plain = parts.plain, let text = plain.render(scope.contact, links: scope.links) { return text }
        return renderWithMustache(&scope, environment)
    }

    /// The render every template can take; `PlainTemplate`'s must equal it.
    func renderWithMustache(_ scope: inout TemplateScope, _ environment: HelperEnvironment) -> String {
        if isLiteral { return source }
        var context = scope.context()
        for helper in parts.helpers { context[helper.key] = helper.value(in: context, environment) }
        return template.render(context)
    }

    /// Every Mustache tag, whatever its delimiters become, starts out as `{{`.
    static func hasTag(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "{"), previous == byte { return true }
            previous = byte
        }
        return false
    }

    /// `Contact.templateContext` as the plain dictionaries, arrays and scalars Mustache walks.
    static func context(for contact: Contact) -> [String: Any] {
        guard case .object(let members) = contact.templateContext else { return [:] }
        return mustacheMembers(members)
    }

    private static func mustacheValue(_ value: JSONValue) -> Any {
        switch value {
        // NSNull renders empty and counts as falsy in sections.
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .number(let number): return mustacheNumber(number)
        case .decimal(let number): return number.description
        case .string(let text): return text
        case .array(let elements): return TemplateList(elements: elements.map(mustacheValue))
        case .object(let members): return TemplateObject(members: mustacheMembers(members))
        }
    }

    private static func mustacheMembers(_ members: [String: JSONValue]) -> [String: Any] {
        var object: [String: Any] = [:]
        object.reserveCapacity(members.count)
        for (key, member) in members where member != .null { object[key] = mustacheValue(member) }
        return object
    }

    /// A number as Mustache gets it: whole ones as integers, so they print as "30", not "30.0".
    static func mustacheNumber(_ number: Double) -> Any {
        number.rounded() == number && abs(number) < 1e15 ? Int(number) as Any : number as Any
    }
}

import Testing

@testable import HeraldCore

/// swift-mustache's parser recurses once per nested section and once per transform in a tag, without a limit: a
/// 31 KB template of 3,000 nested sections crashed the daemon. Herald refuses such templates before parsing, and
/// reads tags exactly as the parser does so no spelling slips past.
@Suite struct TemplateNestingTests {
    private func nested(_ levels: Int, prefix: String = "") -> String {
        String(repeating: "\(prefix){{#attributes.a}}", count: levels) + "x"
            + String(repeating: "{{/attributes.a}}", count: levels)
    }

    private func refusal(_ text: String) -> HeraldError? {
        do {
            _ = try CompiledContent(Content(sms: .init(text: text)))
            return nil
        } catch {
            return error
        }
    }

    @Test func aTemplateTooDeepIsRefusedNotParsed() throws {
        let error = try #require(refusal(nested(3_000)))
        #expect(error.code == "invalid_template")
        #expect(error.field == "content.sms.text")
        #expect(error.message.contains("nested"))
    }

    @Test func theLimitItselfCompilesAndRenders() throws {
        let compiled = try CompiledContent(Content(sms: .init(text: nested(TemplateNesting.maximumDepth))))
        let contact = Contact(id: "c", attributes: ["a": true])
        #expect(compiled.render(.sms, for: contact) == .sms(text: "x"))
        #expect(refusal(nested(TemplateNesting.maximumDepth + 1))?.code == "invalid_template")
    }

    /// Each of these once read as shallow to a byte scanner that followed delimiter changes, while the parser
    /// went thousands of levels deep.
    @Test("delimiter changes are refused; a brace with a combining accent is text, as the parser reads it")
    func noSpellingSlipsPast() {
        #expect(TemplateNesting.refusal("{{=<% %>=}}<%#a%>x<%/a%>") == .delimiterChange)
        #expect(TemplateNesting.refusal("{{#a}}{{=<% %>=}}<%/a%>" + nested(3_000)) == .delimiterChange)
        #expect(refusal("{{=<%\n%>=}}" + nested(3_000))?.code == "invalid_template")
        // "{" + U+0301 is one character, not a brace: the parser sees the sections after it, and so does the scan.
        #expect(TemplateNesting.refusal(nested(3_000, prefix: "{{\u{301} ")) == .tooDeep)
        #expect(TemplateNesting.refusal(String(repeating: "{{^b}}", count: 80)) == .tooDeep)
    }

    @Test func transformsNestedInOneTagAreBounded() {
        let deep = "{{" + String(repeating: "a(", count: 50_000) + "b" + String(repeating: ")", count: 50_000) + "}}"
        #expect(TemplateNesting.refusal(deep) == .tooManyTransforms)
        #expect(refusal(deep)?.code == "invalid_template")
        #expect(TemplateNesting.refusal("{{ f(g(name)) }}") == nil)
    }

    /// Compiling grows faster than the template; a hostile test held the daemon's every request for 14 s with two
    /// renders of 20,000 sections. Up to the limits a template compiles; past them it is refused unparsed.
    @Test func tagsAndBytesAreBounded() throws {
        let atLimit = String(repeating: "a {{first_name}} ", count: TemplateNesting.maximumTags)
        #expect(refusal(atLimit) == nil)
        let error = try #require(refusal(atLimit + "{{first_name}}"))
        #expect(error.code == "invalid_template")
        #expect(error.message.contains("tags"))
        let long = String(repeating: "z", count: TemplateNesting.maximumBytes) + "{{first_name}}"
        #expect(refusal(long)?.message.contains("KiB") == true)
        // Text without a tag is not a template: it is sent as written, and costs nothing to compile.
        #expect(refusal(String(repeating: "z", count: 2 * TemplateNesting.maximumBytes)) == nil)
    }

    @Test("siblings, triple mustaches and comments are not depth")
    func siblingsAreNotDepth() {
        let siblings = String(repeating: "{{#a}}{{{b}}}{{! {{#c}} }}{{/a}}", count: 500)
        #expect(TemplateNesting.refusal(siblings) == nil)
        #expect(refusal(siblings) == nil)
    }
}

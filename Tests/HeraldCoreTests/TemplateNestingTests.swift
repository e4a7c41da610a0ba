import Testing

@testable import HeraldCore

/// swift-mustache's parser recurses once per nested section without a limit: a 31 KB template of 3,000 nested
/// sections crashed the daemon. Herald refuses templates nested deeper than `TemplateNesting.maximumDepth`.
@Suite struct TemplateNestingTests {
    private func nested(_ levels: Int, open: String = "{{", close: String = "}}") -> String {
        String(repeating: "\(open)#attributes.a\(close)", count: levels) + "x"
            + String(repeating: "\(open)/attributes.a\(close)", count: levels)
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

    @Test("changed delimiters, inverted sections and whitespace inside tags still count")
    func everySpellingOfASectionCounts() {
        #expect(TemplateNesting.depth(of: "{{=<% %>=}}" + nested(100, open: "<%", close: "%>")) == 100)
        #expect(TemplateNesting.depth(of: "{{= | | =}}" + nested(70, open: "|", close: "|")) == 70)
        #expect(TemplateNesting.depth(of: String(repeating: "{{^ b }}", count: 80)) == 80)
        #expect(refusal("{{=<% %>=}}" + nested(3_000, open: "<%", close: "%>"))?.code == "invalid_template")
    }

    @Test("siblings, triple mustaches and comments are not depth")
    func siblingsAreNotDepth() {
        let siblings = String(repeating: "{{#a}}{{{b}}}{{! {{#c}} }}{{/a}}", count: 500)
        #expect(TemplateNesting.depth(of: siblings) == 1)
        #expect(refusal(siblings) == nil)
    }
}

import Testing

@testable import HeraldCore

@Suite struct TemplatePlaceholdersTests {
    @Test func variablesOutsideSectionsInOrderWithoutRepeats() {
        let source = """
            {{! a comment }}Hi {{ attributes.name }} {{{attributes.html}}} {{&attributes.raw}} {{id}}
            {{#attributes.vip}}{{attributes.tier}}{{/attributes.vip}}{{^attributes.x}}{{attributes.y}}{{/attributes.x}}
            {{uppercased(attributes.city)}} {{attributes.name}} {{.}}
            """
        #expect(
            TemplatePlaceholders.variables(in: source)
                == ["attributes.name", "attributes.html", "attributes.raw", "id", "attributes.city"])
    }

    @Test func aDelimiterChangeStopsTheScan() {
        #expect(TemplatePlaceholders.variables(in: "{{a}}{{=<% %>=}}<% b %>{{c}}") == ["a"])
    }

    @Test func missingMeansAbsentOrNull() {
        let contact = Contact(id: "u", attributes: ["name": "Ann", "nothing": .null, "empty": ""])
        let context = ContentTemplate.context(for: contact)
        let names = ["id", "locale", "attributes.name", "attributes.nothing", "attributes.empty", "attributes.a.b"]
        #expect(TemplatePlaceholders.missing(names, in: context) == ["locale", "attributes.nothing", "attributes.a.b"])
    }

    @Test func previewReportsTheVariantLengthAndMissingValues() throws {
        let content = Content(sms: .init(text: "Hi {{attributes.name}}", locales: ["ru": .init(text: "Привет {{attributes.name}}")]))
        let preview = try #require(try CompiledContent(content).preview(.sms, for: Contact(id: "u", locale: "ru-RU")))
        #expect(preview.content == .sms(text: "Привет "))
        #expect(preview.match.variant == "ru")
        #expect(preview.smsLength?.encoding == .ucs2)
        #expect(preview.smsLength?.units == 7)
        #expect(preview.missingPlaceholders == ["attributes.name"])
    }
}

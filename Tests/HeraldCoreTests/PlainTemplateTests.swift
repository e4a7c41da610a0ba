import Foundation
import PropertyBased
import Synchronization
import Testing

@testable import HeraldCore

/// Templates of plain names render without Mustache; what they render must be exactly what Mustache would.
@Suite struct PlainTemplateTests {
    static let contacts = [
        Contact(
            id: "u-42", timezone: "Asia/Tehran", locale: "fa-IR",
            attributes: [
                "first_name": "علی", "company": "Smith & <Sons> \"Ltd\" 'x'", "days": 30, "score": 4.5,
                "big": .number(1e15), "neg": .number(-0.25), "tiny": .number(1e-7), "whole": .number(3.0),
                "huge": .decimal(Decimal(string: "123456789012345678901234567890")!), "tags": ["vip", "new"],
                "vip": true, "off": false, "nothing": .null, "nested": ["city": "Москва", "deeper": ["x": 1]],
                "mixed": "e\u{301}<b>{{id}}</b>",
            ]),
        Contact(id: "ivan", attributes: ["first_name": "Иван", "nested": .null]),
    ]
    static let pieces = [
        "Hi ", "سلام", "Привет", " ", "\n", "\r\n", "\t", "{", "}", "&", "<", "'", "e\u{301}", "} }", "x", "\u{200C}",
        "\u{301}",
        "{{id}}", "{{ attributes.first_name }}", "{{attributes.days}}", "{{attributes.score}}", "{{attributes.big}}",
        "{{attributes.neg}}", "{{attributes.tiny}}", "{{attributes.whole}}", "{{attributes.huge}}",
        "{{attributes.vip}}", "{{attributes.off}}", "{{attributes.nothing}}", "{{attributes.tags}}",
        "{{attributes.missing}}", "{{attributes.nested.city}}", "{{attributes.nested.deeper.x}}",
        "{{attributes.nested.deeper}}", "{{attributes.first_name.x}}", "{{attributes.nothing.x}}",
        "{{locale}}", "{{timezone}}", "{{unsubscribe_url}}", "{{preferences_url}}", "{{missing}}", "{{\nid\t}}", "{{\tid }}", "{{ id\n}}", "{{  id  }}",
        "{{attributes.company}}", "{{attributes.mixed}}", "{{#attributes.vip}}yes{{/attributes.vip}}", "{{! note }}",
        "{{{attributes.company}}}", "{{&attributes.company}}", "{{ attributes..days }}",
    ]
    static let source = Gen.element(of: pieces).map { $0! }.array(of: 0...8).map { $0.joined() }
    static let links = TemplateLinks(unsubscribeURL: "https://h.example/u/a&b", preferencesURL: "https://h.example/p/c")

    @Test func plainRendersWhatMustacheRenders() async {
        let input = zip(Self.source, Gen.int(in: 0...1), Gen.bool(), Gen.bool())
        let plainRenders = Mutex(0)
        await propertyCheck(count: 1000, input: input) { source, contact, html, withLinks in
            // Pieces can join into text Mustache rejects (`{` then `{{id}}`); such a job is refused at intake.
            guard let template = try? ContentTemplate(source, field: "t", escaping: html ? .html : .none) else { return }
            let contact = Self.contacts[contact]
            var scope = TemplateScope(contact: contact, links: withLinks ? Self.links : nil)
            var mustacheScope = TemplateScope(contact: contact, links: withLinks ? Self.links : nil)
            let environment = HelperEnvironment(locale: contact.locale, timeZone: contact.timezone)
            let plain = PlainTemplate(source, escaping: html ? .html : .none)?.render(contact, links: scope.links)
            if plain != nil { plainRenders.withLock { $0 += 1 } }
            // Byte for byte: String's == would take a differently composed é for the same text.
            #expect(
                Array(template.render(&scope, environment).utf8)
                    == Array(template.renderWithMustache(&mustacheScope, environment).utf8),
                "\(source.debugDescription) html \(html)")
        }
        // The comparison is worth something only if the plain path ran: about half the generated templates.
        #expect(plainRenders.withLock { $0 } > 200)
    }

    @Test func aCampaignsUsualTextIsPlainAndOtherTagsAreNot() {
        let sms = PlainTemplate("{{attributes.first_name}} عزیز، کد شما ۱۲۳۴", escaping: .none)
        #expect(sms?.render(Self.contacts[0], links: nil) == "علی عزیز، کد شما ۱۲۳۴")
        #expect(PlainTemplate("Hi {{ id }}, {{unsubscribe_url}}", escaping: .html) != nil)
        for other in ["{{#vip}}x{{/vip}}", "{{{name}}}", "{{&name}}", "{{! c }}", "{{> p}}", "{{=<% %>=}}", "{{.}}"] {
            #expect(PlainTemplate(other, escaping: .none) == nil, "\(other)")
        }
        // A list is printed as Mustache prints it: Mustache renders that one.
        #expect(PlainTemplate("{{attributes.tags}}", escaping: .none)?.render(Self.contacts[0], links: nil) == nil)
    }
}

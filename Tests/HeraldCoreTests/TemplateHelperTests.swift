import Foundation
import Testing

@testable import HeraldCore

@Suite struct TemplateHelperTests {
    let contact = Contact(
        id: "u1", timezone: "Asia/Tehran", locale: "fa-IR",
        attributes: [
            "name": "سارا", "empty": "", "points": 1234.5, "orders": 12, "code": "40719", "renews": "2026-12-01",
            "paid_at": "2026-11-30T22:30:00Z", "html": "<b>",
        ])

    private func render(_ text: String, for contact: Contact? = nil, html: Bool = false) throws -> String? {
        let content = html ? Content(email: .init(subject: "s", text: "t", html: text)) : Content(sms: .init(text: text))
        switch try CompiledContent(content).render(html ? .email : .sms, for: contact ?? self.contact) {
        case .sms(let text): return text
        case .email(_, _, let html): return html
        default: return nil
        }
    }

    @Test func defaultsFillMissingNullAndEmptyValues() throws {
        #expect(try render(#"Hi {{ attributes.nick | default: "friend" }}"#) == "Hi friend")
        #expect(try render(#"Hi {{attributes.empty|default:'there'}}"#) == "Hi there")
        #expect(try render(#"Hi {{ attributes.name | default: "friend" }}"#) == "Hi سارا")
        #expect(try render(#"{{ attributes.nick | default: "a | b: c" }}"#) == "a | b: c")
    }

    @Test func numbersAndDigitsFollowTheLocale() throws {
        #expect(try render("{{ attributes.points | number }}") == "۱٬۲۳۴٫۵")
        #expect(try render("{{ attributes.code | digits }}") == "۴۰۷۱۹")
        #expect(try render("{{ attributes.orders | digits }}") == "۱۲")
        let egypt = Contact(id: "e", locale: "ar-EG", attributes: ["n": 1234.5, "code": "2026"])
        #expect(try render("{{ attributes.n | number }} {{ attributes.code | digits }}", for: egypt) == "١٬٢٣٤٫٥ ٢٠٢٦")
        let british = Contact(id: "b", locale: "en-GB", attributes: ["n": 1234.5])
        #expect(try render("{{ attributes.n | number }} {{ attributes.n | digits }}", for: british) == "1,234.5 1234.5")
        #expect(try render("{{ attributes.missing | number | default: \"-\" }}") == "-")
    }

    /// A Double holds every integer only up to 2^53: 12345678901234567 came out as 12345678901234568.
    @Test func numbersPastWhatADoubleHoldsStayExact() throws {
        let big = Contact(id: "b", locale: "en", attributes: [
            "exact": try FastJSON.parse("12345678901234567"), "text": "9007199254740993", "large": try FastJSON.parse("1e20"),
            "negative": try FastJSON.parse("-123456789012345678901234567.5"),
        ])
        #expect(try render("{{ attributes.exact | number }}", for: big) == "12,345,678,901,234,567")
        #expect(try render("{{ attributes.text | number }}", for: big) == "9,007,199,254,740,993")
        #expect(try render("{{ attributes.large | number }}", for: big) == "100,000,000,000,000,000,000")
        #expect(try render("{{ attributes.negative | number }}", for: big) == "-123,456,789,012,345,678,901,234,567.5")
        let persian = Contact(id: "p", locale: "fa", attributes: ["exact": try FastJSON.parse("12345678901234567")])
        #expect(try render("{{ attributes.exact | number }}", for: persian) == "۱۲٬۳۴۵٬۶۷۸٬۹۰۱٬۲۳۴٬۵۶۷")
        // Text that is not a JSON number is left as written.
        let odd = Contact(id: "o", locale: "en", attributes: ["hex": "0x1F", "word": "inf", "partly": "12abc"])
        let text = "{{ attributes.hex | number }} {{ attributes.word | number }} {{ attributes.partly | number }}"
        #expect(try render(text, for: odd) == "0x1F inf 12abc")
    }

    /// Swift wrote a list or an object as `["a": 1]`; a template author expects what a missing value gives.
    @Test func listsAndObjectsCountAsMissing() throws {
        let shopper = Contact(id: "s", locale: "en", attributes: ["cart": ["total": 12], "tags": ["vip", "new"]])
        #expect(try render("[{{ attributes.cart | number }}][{{ attributes.tags | digits }}]", for: shopper) == "[][]")
        let fallbacks = #"{{ attributes.cart | default: "-" }} {{ attributes.tags | date | default: "?" }}"#
        #expect(try render(fallbacks, for: shopper) == "- ?")
        #expect(try render("{{ attributes.cart.total | number }}", for: shopper) == "12")
    }

    @Test func theVariantsLanguageWinsOverTheContactsRegion() throws {
        let content = Content(sms: .init(text: "{{attributes.n | digits}}", locales: ["en": .init(text: "{{attributes.n | digits}}")]))
        let compiled = try CompiledContent(content)
        #expect(compiled.render(.sms, for: Contact(id: "x", locale: "en-IR", attributes: ["n": 7])) == .sms(text: "7"))
        #expect(compiled.render(.sms, for: Contact(id: "x", locale: "fa", attributes: ["n": 7])) == .sms(text: "۷"))
    }

    @Test func datesAreWrittenInTheLocaleAndZone() throws {
        let british = Contact(id: "b", timezone: "Asia/Tehran", locale: "en-GB", attributes: [
            "day": "2026-12-01", "at": "2026-11-30T22:30:00Z",
        ])
        // A calendar day stays that day; an instant is shown in the contact's zone (02:00 on 1 December in Tehran).
        #expect(try render("{{ attributes.day | date }} / {{ attributes.at | date }}", for: british) == "1 December 2026 / 1 December 2026")
        let rendered = try #require(try render("{{ attributes.renews | date }}"))
        #expect(rendered.contains("۲۰۲۶"))
    }

    /// A day the month does not have is not a date: Foundation rolled 2026-02-30 over to 2 March.
    @Test func aDayTheMonthDoesNotHaveIsLeftAsWritten() throws {
        let british = Contact(id: "b", locale: "en-GB", attributes: [
            "bad": "2026-02-30", "leap": "2024-02-29", "instant": "2026-02-30T10:00:00Z", "long": "10000-01-01",
        ])
        #expect(try render("{{ attributes.bad | date }}", for: british) == "2026-02-30")
        #expect(try render("{{ attributes.instant | date }}", for: british) == "2026-02-30T10:00:00Z")
        #expect(try render("{{ attributes.leap | date }}", for: british) == "29 February 2024")
        #expect(Timestamp.parse("10000-01-01T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-04-31T00:00:00+03:30") == nil)
        #expect(Timestamp.parse("2026-04-30T00:00:00+03:30") != nil)
        #expect(Timestamp.parse("2026-04-30T00:00:00.123Z") != nil)
    }

    @Test func helperValuesAreEscapedInHTMLLikeAnyOtherValue() throws {
        #expect(try render(#"<p>{{ attributes.html | default: "x" }}</p>"#, html: true) == "<p>&lt;b&gt;</p>")
        #expect(try render(#"<p>{{{ attributes.html | default: "x" }}}</p>"#, html: true) == "<p><b></p>")
        #expect(try render(#"<p>{{& attributes.html | default: "x" }}</p>"#, html: true) == "<p><b></p>")
    }

    @Test(
        "a malformed helper is invalid_template naming the field",
        arguments: ["{{ attributes.x | shout }}", "{{ attributes.x | default }}", "{{ attributes.x | default: friend }}", "{{ | number }}"])
    func malformed(text: String) {
        #expect {
            _ = try CompiledContent(Content(sms: .init(text: "ok", locales: ["fa": .init(text: text)])))
        } throws: { error in
            (error as? HeraldError)?.code == "invalid_template" && (error as? HeraldError)?.field == "content.sms.locales.fa.text"
        }
    }

    @Test func anUnclosedTagIsStillMustachesError() {
        #expect {
            _ = try CompiledContent(Content(sms: .init(text: "a | b {{ attributes.x | number }} {{ oops")))
        } throws: { error in
            (error as? HeraldError)?.code == "invalid_template" && (error as? HeraldError)?.message.contains("line 1") == true
        }
        let rewritten = try? TemplateHelper.rewrite("x {{a | digits}} y {{ oops", field: "f")
        #expect(rewritten?.source == "x {{herald_helper_0}} y {{ oops")
    }

    @Test func barsElsewhereAreLeftAlone() throws {
        #expect(try render("a | b {{! x | y }}{{#attributes.name}}|{{/attributes.name}}") == "a | b |")
    }

    @Test func linksAreSignedPerContactAndOnlyWhenMentioned() throws {
        let content = Content(sms: .init(text: "Stop: {{unsubscribe_url}} Prefs: {{preferences_url}}"))
        let compiled = try CompiledContent(content)
        var calls = 0
        let links = {
            calls += 1
            return TemplateLinks.signed(
                baseURL: "https://h.example", secret: Array("s".utf8), contactId: "u1", channel: .sms, topic: "news",
                now: Date(timeIntervalSince1970: 1_790_000_000))
        }
        guard case .sms(let text) = compiled.render(.sms, for: contact, links: links) else {
            Issue.record("no sms")
            return
        }
        #expect(calls == 1)
        let urls = text.split(separator: " ").filter { $0.hasPrefix("https://") }.map { String($0.dropFirst("https://h.example/u/".count)) }
        #expect(urls.count == 2)
        let signedAt = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(
            UnsubscribeToken.verify(urls[0], secret: Array("s".utf8))
                == UnsubscribeToken(contactId: "u1", channel: "sms", topic: "news", issuedAt: signedAt))
        #expect(
            UnsubscribeToken.verify(urls[1], secret: Array("s".utf8))
                == UnsubscribeToken(contactId: "u1", channel: "*", topic: "*", issuedAt: signedAt))

        _ = try CompiledContent(Content(sms: .init(text: "no links"))).render(.sms, for: contact, links: links)
        #expect(calls == 1)
    }

    @Test func previewReportsOnlyHelpersWithoutDefaults() throws {
        let content = Content(
            sms: .init(
                text: #"{{attributes.nick | default: "x"}} {{attributes.gone | number}} {{unsubscribe_url}} {{& attributes.lost | digits}}"#
            ))
        let preview = try #require(try CompiledContent(content).preview(.sms, for: contact))
        #expect(preview.missingPlaceholders == ["attributes.gone", "unsubscribe_url", "attributes.lost"])
    }
}

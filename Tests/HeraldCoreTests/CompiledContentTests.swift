import Testing

@testable import HeraldCore

@Suite struct CompiledContentTests {
    let contact = Contact(
        id: "u-42", timezone: "Asia/Tehran", locale: "fa-IR",
        attributes: [
            "first_name": "علی", "company": "Smith & <Sons> \"Ltd\"", "days": 30, "score": 4.5, "tags": ["vip", "new"],
            "vip": true, "nothing": .null,
        ])

    private func sms(_ template: String) throws -> String? {
        let compiled = try CompiledContent(Content(sms: .init(text: template)))
        guard case .sms(let text) = compiled.render(.sms, for: contact) else { return nil }
        return text
    }

    @Test func persianValuesSurviveIntact() throws {
        #expect(try sms("سلام {{attributes.first_name}}، خوش آمدید!") == "سلام علی، خوش آمدید!")
    }

    @Test func missingAndNullValuesRenderEmpty() throws {
        #expect(try sms("Hi {{attributes.nope}}{{attributes.nothing}}{{attributes.a.b.c}}.") == "Hi .")
    }

    @Test func contactFieldsAndScalarsRenderNaturally() throws {
        #expect(try sms("{{id}} {{locale}} {{timezone}} {{attributes.days}} {{attributes.score}}")
            == "u-42 fa-IR Asia/Tehran 30 4.5")
    }

    @Test func sectionsWalkListsAndBooleans() throws {
        #expect(try sms("{{#attributes.tags}}[{{.}}]{{/attributes.tags}}") == "[vip][new]")
        #expect(try sms("{{#attributes.vip}}VIP{{/attributes.vip}}{{^attributes.nope}} welcome{{/attributes.nope}}")
            == "VIP welcome")
    }

    /// A tag naming a list or an object printed it as Swift writes it (`["vip", "new"]`, `["city": "Tehran"]`):
    /// it prints nothing, while sections, dotted names and transforms still reach inside.
    @Test func aListOrAnObjectInATagPrintsNothing() throws {
        let shopper = Contact(
            id: "s", locale: "en", attributes: ["address": ["city": "Tehran", "zip": .null], "tags": ["vip", "new"]])
        let compiled = try CompiledContent(
            Content(
                sms: .init(
                    text: "[{{attributes.address}}][{{{attributes.tags}}}][{{attributes.address.city}}]"
                        + "{{#attributes.address}}[{{city}}]{{/attributes.address}}"
                        + "{{#attributes.tags}}[{{.}}]{{/attributes.tags}}[{{count(attributes.tags)}}]"
                        + "{{^attributes.address.zip}}[no zip]{{/attributes.address.zip}}")))
        guard case .sms(let text) = compiled.render(.sms, for: shopper) else { throw CancellationError() }
        #expect(text == "[][][Tehran][Tehran][vip][new][2][no zip]")
    }

    @Test func plainTextIsNeverHTMLEscaped() throws {
        #expect(try sms("{{attributes.company}}") == "Smith & <Sons> \"Ltd\"")
        #expect(try sms("\n  first line\n{{attributes.days}}") == "\n  first line\n30")
    }

    @Test func onlyEmailHTMLIsEscaped() throws {
        let content = Content(
            email: .init(
                subject: "{{attributes.company}}", text: "Dear {{attributes.company}}",
                html: "<p>{{attributes.company}}</p>"))
        let rendered = try CompiledContent(content).render(.email, for: contact)
        #expect(
            rendered
                == .email(
                    subject: "Smith & <Sons> \"Ltd\"", text: "Dear Smith & <Sons> \"Ltd\"",
                    html: "<p>Smith &amp; &lt;Sons&gt; &quot;Ltd&quot;</p>"))
    }

    @Test func rendersEveryKindItHasAndNothingElse() throws {
        let content = Content(
            push: .init(title: "{{attributes.first_name}}", body: "{{attributes.days}} days", data: ["who": "{{id}}"]),
            messenger: .init(text: "Hi {{attributes.first_name}} & co"))
        let compiled = try CompiledContent(content)
        #expect(compiled.render(.push, for: contact) == .push(title: "علی", body: "30 days", data: ["who": "u-42"]))
        #expect(compiled.render(.messenger, for: contact) == .messenger(text: "Hi علی & co"))
        #expect(compiled.render(.email, for: contact) == nil)
        #expect(compiled.render(.sms, for: contact) == nil)
    }

    @Test(arguments: [
        (Content(email: .init(subject: "Hi {{#attributes.x}}", text: "ok")), "content.email.subject"),
        (Content(email: .init(subject: "ok", text: "ok", html: "<p>{{/attributes.x}}</p>")), "content.email.html"),
        (Content(sms: .init(text: "Hello {{attributes.first_name")), "content.sms.text"),
        (Content(push: .init(title: "t", body: "b", data: ["deep": "{{#a}}{{/b}}"])), "content.push.data.deep"),
        (Content(messenger: .init(text: "{{% NOT_A_PRAGMA: x}}")), "content.messenger.text"),
    ])
    func templateSyntaxErrorsNameTheField(_ content: Content, _ field: String) {
        #expect {
            try CompiledContent(content)
        } throws: { error in
            guard let error = error as? HeraldError else { return false }
            return error.code == "invalid_template" && error.field == field && error.message.contains("line 1, column")
        }
    }

    /// A ZWNJ (common in Persian) or a combining accent first in a text part once joined the pragma Herald puts in
    /// front of it, and Mustache dropped the text up to the next tag.
    @Test(arguments: ["\u{200C}", "\u{301}"])
    func aJoiningCharacterFirstIsKept(_ first: String) throws {
        let compiled = try CompiledContent(
            Content(sms: .init(text: first + "{{#attributes.vip}}{{attributes.first_name}}{{/attributes.vip}} عزیز")))
        #expect(compiled.render(.sms, for: contact) == .sms(text: first + "علی عزیز"))
    }

    @Test func errorColumnsPointIntoTheCallersTemplate() {
        do {
            _ = try CompiledContent(Content(sms: .init(text: "Hi {{/x}}")))
            Issue.record("expected a syntax error")
        } catch {
            let column = error.message.split(separator: " ").last.flatMap { Int($0) } ?? 0
            #expect((1...10).contains(column), "\(error.message)")
        }
    }
}

@Suite struct LiteralContentTests {
    let contact = Contact(id: "u-1", locale: "ru", attributes: ["name": "Ольга"])

    /// Text without `{{` skips Mustache; it must render exactly as Mustache would have.
    @Test(arguments: [
        "", "code 4071", "Ваш код: 4071", "کد شما ۱۲۳۴ است", "a { b } c {x} }} { z", "\n  first line\n", "<b>&\"'</b>",
    ])
    func literalTextRendersAsMustacheWould(_ text: String) throws {
        let literal = try CompiledContent(Content(email: .init(subject: text, text: text, html: text), sms: .init(text: text)))
        let tagged = try CompiledContent(
            Content(
                email: .init(subject: text + "{{!}}", text: text + "{{!}}", html: text + "{{!}}"), sms: .init(text: text + "{{!}}")))
        #expect(literal.render(.sms, for: contact) == tagged.render(.sms, for: contact))
        #expect(literal.render(.email, for: contact) == tagged.render(.email, for: contact))
    }

    @Test func oneTagAnywhereMakesItATemplate() throws {
        let compiled = try CompiledContent(Content(sms: .init(text: "Здравствуйте, {{attributes.name}}")))
        guard case .sms(let text) = compiled.render(.sms, for: contact) else { Issue.record("no sms"); return }
        #expect(text == "Здравствуйте, Ольга")
        #expect(ContentTemplate.hasTag("a {{b"))
        #expect(!ContentTemplate.hasTag("a { {b"))
    }

    /// A literal skips the contact's links and Mustache; one tag of any kind (a comment, a helper) must not.
    @Test func literalExactlyWhenThereIsNoTag() throws {
        func isLiteral(_ content: Content, _ kind: ChannelKind) throws -> Bool? {
            try CompiledContent(content).templates(kind, locale: nil)?.isLiteral
        }
        #expect(try isLiteral(Content(sms: .init(text: "کد شما ۱۲۳۴ { } }}")), .sms) == true)
        #expect(try isLiteral(Content(sms: .init(text: "code {{!}}4071")), .sms) == false)
        #expect(try isLiteral(Content(sms: .init(text: #"Hi {{ attributes.nick | default: "friend" }}"#)), .sms) == false)
        #expect(try isLiteral(Content(email: .init(subject: "s", text: "t", html: "<p>{{id}}</p>")), .email) == false)
    }
}

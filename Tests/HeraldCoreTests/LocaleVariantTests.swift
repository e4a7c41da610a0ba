import Foundation
import Testing

@testable import HeraldCore

@Suite struct LocaleVariantTests {
    static let content = Content(
        email: .init(
            subject: "Hello {{attributes.name}}", text: "Your order shipped.",
            locales: ["fa": .init(subject: "سلام {{attributes.name}}", text: "سفارش شما ارسال شد.")]),
        sms: .init(
            text: "Your order shipped.",
            locales: [
                "fa": .init(text: "سفارش شما ارسال شد."), "ar": .init(text: "تم شحن طلبك."),
                "en-GB": .init(text: "Your parcel is on its way."), "pt-BR": .init(text: "Seu pedido foi enviado."),
            ]))

    private func smsText(locale: String?) throws -> String? {
        let compiled = try CompiledContent(Self.content)
        guard case .sms(let text) = compiled.render(.sms, for: Contact(id: "u", locale: locale)) else { return nil }
        return text
    }

    @Test(
        "a contact's locale picks the most specific variant, else the default",
        arguments: [
            ("fa-IR", "سفارش شما ارسال شد."), ("fa", "سفارش شما ارسال شد."), ("ar", "تم شحن طلبك."),
            ("ar-EG", "تم شحن طلبك."), ("en-GB", "Your parcel is on its way."), ("en-gb", "Your parcel is on its way."),
            ("pt_br", "Seu pedido foi enviado."), ("en", "Your order shipped."), ("en-US", "Your order shipped."),
            ("ru", "Your order shipped."), ("", "Your order shipped."),
        ])
    func picksVariant(locale: String, expected: String) throws {
        #expect(try smsText(locale: locale) == expected)
    }

    @Test func noLocaleGetsTheDefault() throws {
        #expect(try smsText(locale: nil) == "Your order shipped.")
    }

    @Test func theMatchSaysWhichVariantAndWhy() throws {
        let compiled = try CompiledContent(Self.content)
        let persian = try #require(compiled.localeMatch(.sms, for: Contact(id: "u", locale: "fa-IR")))
        #expect(persian.variant == "fa")
        #expect(persian.reason == "contact locale fa-IR matched variant fa")
        #expect(persian.traceStep.rule == "content")
        #expect(persian.traceStep.outcome == "variant fa")
        let russian = try #require(compiled.localeMatch(.sms, for: Contact(id: "u", locale: "ru")))
        #expect(russian.variant == nil)
        #expect(russian.reason == "no variant for contact locale ru; default content")
        let none = try #require(compiled.localeMatch(.sms, for: Contact(id: "u")))
        #expect(none.reason == "the contact has no locale; default content")
    }

    @Test func contentWithoutVariantsAddsNoTraceStep() throws {
        let compiled = try CompiledContent(Content(sms: .init(text: "hi")))
        #expect(compiled.localeMatch(.sms, for: Contact(id: "u", locale: "fa")) == nil)
        #expect(compiled.localeMatch(.email, for: Contact(id: "u", locale: "fa")) == nil)
    }

    @Test func emailVariantsRenderEveryPart() throws {
        let compiled = try CompiledContent(Self.content)
        let contact = Contact(id: "u", locale: "fa-IR", attributes: ["name": "سارا"])
        #expect(compiled.render(.email, for: contact) == .email(subject: "سلام سارا", text: "سفارش شما ارسال شد.", html: nil))
    }

    @Test(
        "a broken variant is named in the error's field",
        arguments: [
            (Content(sms: .init(text: "ok", locales: ["fa": .init(text: "{{#x}}")])), "content.sms.locales.fa.text"),
            (
                Content(email: .init(subject: "s", text: "t", locales: ["ar": .init(subject: "{{/y}}", text: "t")])),
                "content.email.locales.ar.subject"
            ),
            (
                Content(push: .init(title: "t", body: "b", locales: ["ru": .init(title: "t", body: "b", data: ["k": "{{#a}}"])])),
                "content.push.locales.ru.data.k"
            ),
            (Content(messenger: .init(text: "ok", locales: ["pt-BR": .init(text: "{{a")])), "content.messenger.locales.pt-BR.text"),
        ])
    func brokenVariantNamed(content: Content, field: String) {
        #expect {
            try ContentValidation.validate(content, smsMaxSegments: 10)
        } throws: { error in
            (error as? HeraldError)?.code == "invalid_template" && (error as? HeraldError)?.field == field
        }
    }

    @Test(
        "malformed or duplicate locale keys are invalid_locale",
        arguments: [
            (["f": Content.SMS(text: "x")], "content.sms.locales.f"),
            (["fa_IR": Content.SMS(text: "x")], "content.sms.locales.fa_IR"),
            (["fa": Content.SMS(text: "x"), "FA": Content.SMS(text: "y")], "content.sms.locales.fa"),
        ])
    func invalidLocaleKeys(locales: [String: Content.SMS], field: String) {
        #expect {
            try ContentValidation.validate(Content(sms: .init(text: "x", locales: locales)), smsMaxSegments: 10)
        } throws: { error in
            (error as? HeraldError)?.code == "invalid_locale" && (error as? HeraldError)?.field == field
        }
    }

    @Test func aVariantCannotNestVariants() {
        let nested = Content(sms: .init(text: "x", locales: ["fa": .init(text: "y", locales: ["ar": .init(text: "z")])]))
        #expect {
            try ContentValidation.validate(nested, smsMaxSegments: 10)
        } throws: { error in
            (error as? HeraldError)?.field == "content.sms.locales.fa.locales"
        }
    }

    @Test func everySMSVariantIsMeasured() {
        let long = String(repeating: "س", count: 141)  // 3 UCS-2 segments
        let content = Content(sms: .init(text: "short", locales: ["fa": .init(text: long)]))
        #expect {
            try ContentValidation.validate(content, smsMaxSegments: 2)
        } throws: { error in
            (error as? HeraldError)?.code == "sms_too_long" && (error as? HeraldError)?.field == "content.sms.locales.fa.text"
        }
        #expect(throws: Never.self) { try ContentValidation.validate(content, smsMaxSegments: 3) }
    }

    @Test func placeholdersCountOnlyTheTextEveryRenderingHas() throws {
        // 134 fixed characters are 2 UCS-2 segments whatever the placeholder adds; a section may render nothing.
        let fixed = String(repeating: "س", count: 134)
        let text = "\(fixed){{attributes.name}}{{#attributes.vip}}\(fixed){{/attributes.vip}}"
        #expect(TemplatePlaceholders.fixedText(of: text) == fixed)
        #expect(throws: Never.self) {
            try ContentValidation.validate(Content(sms: .init(text: text)), smsMaxSegments: 2)
        }
        #expect(throws: HeraldError.self) {
            try ContentValidation.validate(Content(sms: .init(text: text)), smsMaxSegments: 1)
        }
    }

    @Test func variantKeysSurviveTheJSONRoundTrip() throws {
        let json = #"{"sms": {"text": "x", "locales": {"pt-BR": {"text": "y"}, "fa": {"text": "z"}}}}"#
        let decoded = try HeraldJSON.decoder().decode(Content.self, from: Data(json.utf8))
        #expect(decoded.sms?.locales?.keys.sorted() == ["fa", "pt-BR"])
        let again = try HeraldJSON.decoder().decode(Content.self, from: try HeraldJSON.encoder().encode(decoded))
        #expect(again == decoded)
    }
}

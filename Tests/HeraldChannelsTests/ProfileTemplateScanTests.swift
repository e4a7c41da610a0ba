import HeraldChannels
import Testing

/// Pins the placeholder scanner's edge cases: it scans bytes for speed and must read templates
/// exactly as the profile format documents them.
@Suite struct ProfileTemplateScanTests {
    let values = TemplateValues(fields: ["to": "+989121234567"], secrets: ["key": "k1"])

    @Test func namesAreTrimmedOfSpacesTabsAndUnicodeSpaces() {
        #expect(ProfileTemplate.placeholders(in: "a {{ to }} b {{\tsecret.key\u{3000}}} c") == ["to", "secret.key"])
        #expect(ProfileTemplate.render("{{ to }}/{{\tsecret.key }}", values: values) == "+989121234567/k1")
    }

    @Test func textAroundPlaceholdersIsKeptByteForByte() {
        #expect(ProfileTemplate.render("سلام {{to}}، خوش آمدید", values: values) == "سلام +989121234567، خوش آمدید")
        #expect(ProfileTemplate.render("no placeholders: { } }} {", values: values) == "no placeholders: { } }} {")
    }

    @Test func anUnclosedPlaceholderIsLiteralText() {
        #expect(ProfileTemplate.render("x {{to}} y {{to", values: values) == "x +989121234567 y {{to")
        #expect(ProfileTemplate.placeholders(in: "{{to") == [])
    }

    @Test func theFirstClosingPairEndsAName() {
        #expect(ProfileTemplate.placeholders(in: "{{{to}}}") == ["{to"])
        #expect(ProfileTemplate.render("{{{to}}}", values: values) == nil, "no value is named {to")
        #expect(ProfileTemplate.placeholders(in: "{{}}") == [""])
    }
}

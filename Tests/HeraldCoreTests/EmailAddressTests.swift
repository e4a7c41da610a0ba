import HeraldCore
import Testing

/// An address accepted at intake must not be refused as malformed when it is sent: the hostile tester stored
/// each of the refused ones below, and each ended `suppressed invalid_address` at send time.
@Suite struct EmailAddressTests {
    @Test(arguments: [
        "maryam@example.org", "o'brien+news@mail.example.co.uk", "a.b-c_d@x.io", "user@xn--mgbh0fb.xn--mgba3a4f16a",
        "مریم@مثال.ایران",
    ])
    func plausible(address: String) {
        #expect(EmailAddress.isPlausible(address))
    }

    @Test(arguments: [
        "<a@x.io>", "a,b@x.io", "a@x..io", "a@.x.io", "a@x.io.", ".a@x.io", "a..b@x.io", "a@localhost", "a b@x.io",
        "a@b@x.io", "@x.io", "a@", "a\u{7F}@x.io", "a;b@x.io", "\"a\"@x.io",
        // Invisible characters make one address look like another.
        "a\u{200B}@x.io", "a@x\u{202E}.io", "ali\u{200C}@x.io", "a\u{00A0}@x.io",
    ])
    func refused(address: String) {
        #expect(!EmailAddress.isPlausible(address))
    }

    @Test func lengthsAreBounded() {
        #expect(EmailAddress.isPlausible(String(repeating: "a", count: 64) + "@x.io"))
        #expect(!EmailAddress.isPlausible(String(repeating: "a", count: 65) + "@x.io"))
        #expect(!EmailAddress.isPlausible("a@" + String(repeating: "b", count: 250) + ".io"))
    }

    @Test func aRelayReportsTheAddressWithItsDomainInALabels() {
        #expect(EmailAddress.isSameMailbox("ivan@почта.рф", reportedAs: "ivan@xn--80a1acny.xn--p1ai"))
        #expect(EmailAddress.isSameMailbox("ivan@ПОЧТА.РФ", reportedAs: "ivan@xn--80a1acny.xn--p1ai"))
        #expect(EmailAddress.isSameMailbox("maryam@ایران.ir", reportedAs: "maryam@xn--mgba3a4f16a.ir"))
        #expect(EmailAddress.isSameMailbox("ann@example.net", reportedAs: "ann@example.net"))
        // Suppressions match byte for byte: an ASCII address, or a local part, in another case is another address.
        #expect(!EmailAddress.isSameMailbox("ann@Example.net", reportedAs: "ann@example.net"))
        #expect(!EmailAddress.isSameMailbox("Ivan@почта.рф", reportedAs: "ivan@xn--80a1acny.xn--p1ai"))
        #expect(!EmailAddress.isSameMailbox("ivan@почта.рф", reportedAs: "ivan@xn--80a1acny.com"))
        #expect(!EmailAddress.isSameMailbox("ivan@☃.com", reportedAs: "ivan@☃.com"), "a domain IDNA refuses names no mailbox")
    }

    @Test func aDomainIDNARefusesIsRefusedAtIntake() {
        #expect(!EmailAddress.isPlausible("a@☃.com"))
        #expect(!EmailAddress.isPlausible("a@\u{0301}abc.com"))
        #expect(EmailAddress.isPlausible("ivan@почта.рф"))
    }

    /// A suppression may be stored in either spelling of an internationalized domain; ASCII addresses and phone
    /// numbers have no other spelling, and are looked up as they are.
    @Test func theOtherSpellingsOfAnAddress() {
        #expect(
            EmailAddress.otherSpellings(of: ["ivan@почта.рф", "olga@xn--80a1acny.xn--p1ai", "maryam@ایران.ir"]) == [
                "ivan@xn--80a1acny.xn--p1ai": ["ivan@почта.рф"], "olga@почта.рф": ["olga@xn--80a1acny.xn--p1ai"],
                "maryam@xn--mgba3a4f16a.ir": ["maryam@ایران.ir"],
            ])
        #expect(EmailAddress.otherSpellings(of: ["olga@XN--80A1ACNY.XN--P1AI"]) == ["olga@почта.рф": ["olga@XN--80A1ACNY.XN--P1AI"]])
        // IDNA folds case: two spellings of the domain share one A-label form.
        #expect(
            EmailAddress.otherSpellings(of: ["ivan@почта.рф", "ivan@Почта.рф"])["ivan@xn--80a1acny.xn--p1ai"].map(Set.init)
                == ["ivan@почта.рф", "ivan@Почта.рф"])
        #expect(EmailAddress.otherSpellings(of: ["ann@example.net", "+989121234567", "xn--ab@example.net", "a@☃.com"]).isEmpty)
    }
}

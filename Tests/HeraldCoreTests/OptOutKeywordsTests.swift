import Testing

@testable import HeraldCore

@Suite struct OptOutKeywordsTests {
    @Test(arguments: OptOutKeywords.keywords)
    func everyKeywordIsAnOptOut(_ keyword: String) {
        #expect(OptOutKeywords.isOptOut(keyword))
        #expect(OptOutKeywords.isOptOut("  \(keyword.lowercased())!  "))
    }

    @Test(arguments: [
        "stop", "Stop", "sToP", " STOP ", "STOP!", "stop.", "Stop all", "stop-all", "STOP\n", "Unsubscribe.",
        "ＳＴＯＰ", "СТОП", "Отписаться", "ОТМЕНА!",
    ])
    func ignoresCaseSpacingAndPunctuation(_ reply: String) {
        #expect(OptOutKeywords.isOptOut(reply))
    }

    @Test(arguments: [
        "ايقاف", "ایقاف", "إيقاف", "إلغاء", "الغاء", "ألغاء", "لغو عضويت", "لغو عضویت", "لغو‌عضویت", "لغوعضویت",
        "إِلْغَاء", "لـــغو", "تَوَقُّف", "«لغو»", "لغو؟", "\u{200F}لغو\u{200F}",
    ])
    func foldsArabicAndPersianVariants(_ reply: String) {
        #expect(OptOutKeywords.isOptOut(reply))
    }

    @Test(arguments: ["لغو۱", "لغو ١", "لغو 12", "STOP 2", "stop2", "انصراف۳"])
    func acceptsAKeywordWithASubscriptionNumber(_ reply: String) {
        #expect(OptOutKeywords.isOptOut(reply))
    }

    @Test(arguments: [
        "", "   ", "2", "۱", "please stop spamming", "stop it", "don't stop", "stopped", "unstop", "1 stop",
        "لطفا لغو کنید", "لغو نکنید", "سلام", "hello", "Не останавливайтесь", "end of story", "stop stop",
        String(repeating: "stop ", count: 100),
    ])
    func sentencesAndOtherWordsAreNotOptOuts(_ reply: String) {
        #expect(!OptOutKeywords.isOptOut(reply))
    }
}

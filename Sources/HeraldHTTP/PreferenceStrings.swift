import Foundation
import HeraldCore

/// The preference page's words in the languages Herald's audiences read most (SPEC §1): English,
/// Persian, Arabic, Russian.
struct PreferenceStrings: Sendable {
    let language: String
    let rightToLeft: Bool
    let title: String
    let intro: String
    let allMarketing: String
    let subscribed: String
    let notSubscribed: String
    let unsubscribed: String
    let save: String
    let saved: String
    let leaveIntro: String
    let leaveAll: String
    let invalidLink: String
    let expiredLink: String
    let refused: String
    /// By channel kind.
    let channels: [String: String]

    static let supported = ["en": english, "fa": persian, "ar": arabic, "ru": russian]

    /// The contact's language (`fa-IR` → `fa`) when the page speaks it, else the browser's, else English.
    static func forContact(locale: String?, acceptLanguage: String?) -> PreferenceStrings {
        let primary = locale.map(LocaleMatch.normalize)?.split(separator: "-").first.map(String.init) ?? ""
        return supported[primary] ?? forAcceptLanguage(acceptLanguage)
    }

    /// For a browser's `Accept-Language` (`en;q=0.5, fa-IR, ru;q=0`): the supported language it weighs highest
    /// (RFC 9110 §12.5.4: `q` from 0 to 1, 1 when left out, 0 meaning "not this one"; ties in the order listed).
    /// Used before a contact is known, e.g. on the page for a link that is not valid.
    static func forAcceptLanguage(_ header: String?) -> PreferenceStrings {
        var best: (weight: Double, strings: PreferenceStrings)?
        for entry in (header ?? "").split(separator: ",") {
            let parameters = entry.split(separator: ";")
            let tag = parameters.first.map { String($0) } ?? ""
            let primary = LocaleMatch.normalize(tag).split(separator: "-").first.map(String.init) ?? ""
            guard let strings = supported[primary] else { continue }
            let weight = parameters.dropFirst().lazy.compactMap(Self.quality).first ?? 1
            if weight > 0, weight > best?.weight ?? 0 { best = (weight, strings) }
        }
        return best?.strings ?? english
    }

    /// `q=0.8` → 0.8; nil for another parameter or a value out of range.
    private static func quality(_ parameter: Substring) -> Double? {
        let parts = parameter.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "q",
            let value = Double(parts[1].trimmingCharacters(in: .whitespaces)), (0...1).contains(value)
        else { return nil }
        return value
    }

    static let english = PreferenceStrings(
        language: "en", rightToLeft: false, title: "Your subscriptions",
        intro: "Choose which messages you want to receive from us, and where.",
        allMarketing: "News and offers", subscribed: "subscribed", notSubscribed: "not subscribed",
        unsubscribed: "unsubscribed", save: "Save my choices", saved: "Your choices are saved.",
        leaveIntro: "Or stop all marketing messages on every channel:", leaveAll: "Unsubscribe from everything",
        invalidLink: "This link is not valid. Please use the link in one of our messages.",
        expiredLink: "This link has expired. Please use the link in a more recent message.",
        refused: "This request could not be accepted. Please open the page from the link in our message and try again.",
        channels: ["email": "Email", "sms": "SMS", "push": "App notifications", "messenger": "Messenger"])

    static let persian = PreferenceStrings(
        language: "fa", rightToLeft: true, title: "اشتراک‌های شما",
        intro: "انتخاب کنید چه پیام‌هایی را و از چه راهی از ما دریافت کنید.",
        allMarketing: "اخبار و پیشنهادها", subscribed: "مشترک", notSubscribed: "مشترک نیستید",
        unsubscribed: "لغو شده", save: "ذخیرهٔ انتخاب‌ها", saved: "انتخاب‌های شما ذخیره شد.",
        leaveIntro: "یا همهٔ پیام‌های تبلیغاتی را در همهٔ راه‌ها متوقف کنید:", leaveAll: "لغو همهٔ اشتراک‌ها",
        invalidLink: "این پیوند معتبر نیست. لطفاً از پیوند یکی از پیام‌های ما استفاده کنید.",
        expiredLink: "این پیوند منقضی شده است. لطفاً از پیوند پیامی جدیدتر استفاده کنید.",
        refused: "این درخواست پذیرفته نشد. لطفاً صفحه را از پیوند پیام ما باز کنید و دوباره امتحان کنید.",
        channels: ["email": "ایمیل", "sms": "پیامک", "push": "اعلان برنامه", "messenger": "پیام‌رسان"])

    static let arabic = PreferenceStrings(
        language: "ar", rightToLeft: true, title: "اشتراكاتك",
        intro: "اختر الرسائل التي تريد أن تصلك منا، وعبر أي وسيلة.",
        allMarketing: "الأخبار والعروض", subscribed: "مشترك", notSubscribed: "غير مشترك",
        unsubscribed: "ألغيت الاشتراك", save: "حفظ اختياراتي", saved: "تم حفظ اختياراتك.",
        leaveIntro: "أو أوقف جميع الرسائل التسويقية عبر كل الوسائل:", leaveAll: "إلغاء الاشتراك من كل شيء",
        invalidLink: "هذا الرابط غير صالح. يرجى استخدام الرابط الموجود في إحدى رسائلنا.",
        expiredLink: "انتهت صلاحية هذا الرابط. يرجى استخدام الرابط الموجود في رسالة أحدث.",
        refused: "تعذّر قبول هذا الطلب. يرجى فتح الصفحة من الرابط الموجود في رسالتنا والمحاولة مرة أخرى.",
        channels: ["email": "البريد الإلكتروني", "sms": "الرسائل القصيرة", "push": "إشعارات التطبيق", "messenger": "المراسلة"])

    static let russian = PreferenceStrings(
        language: "ru", rightToLeft: false, title: "Ваши подписки",
        intro: "Выберите, какие сообщения и по каким каналам вы хотите от нас получать.",
        allMarketing: "Новости и предложения", subscribed: "подписаны", notSubscribed: "не подписаны",
        unsubscribed: "отписаны", save: "Сохранить выбор", saved: "Ваш выбор сохранён.",
        leaveIntro: "Или отпишитесь от всех рекламных сообщений во всех каналах:", leaveAll: "Отписаться от всего",
        invalidLink: "Эта ссылка недействительна. Воспользуйтесь ссылкой из нашего сообщения.",
        expiredLink: "Срок действия ссылки истёк. Воспользуйтесь ссылкой из более нового сообщения.",
        refused: "Запрос не может быть принят. Откройте страницу по ссылке из нашего сообщения и попробуйте снова.",
        channels: ["email": "Эл. почта", "sms": "SMS", "push": "Уведомления приложения", "messenger": "Мессенджер"])
}

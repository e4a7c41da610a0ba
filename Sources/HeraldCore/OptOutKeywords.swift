/// Inbound SMS replies that mean "stop messaging me", in English, Persian, Arabic and Russian.
///
/// The whole reply, once normalised, must be one keyword: "STOP", " stop! ", "Stop All", «لغو»,
/// «الغاء» and «إلغاء» all count; "please stop spamming me" does not. A keyword followed only by a
/// number ("STOP 2", «لغو۱») also counts: that is how Iranian and Arab value-added services ask
/// people to cancel subscription N, the intent is unambiguous, and honouring a reply that was not
/// meant as an opt-out costs far less than ignoring one that was.
public enum OptOutKeywords {
    /// The keywords as people type them; matching normalises both sides the same way.
    public static let keywords: [String] = [
        // English (CTIA and FCC revocation words)
        "STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPT OUT", "OPTOUT",
        // Persian
        "لغو", "توقف", "انصراف", "لغو عضویت",
        // Arabic
        "إلغاء", "الغاء", "توقف", "إيقاف", "ايقاف",
        // Russian
        "стоп", "отписаться", "отмена", "отписка",
    ]

    /// Case-, whitespace- and digit-form-insensitive; the whole reply must be the keyword.
    public static func isOptOut(_ text: String) -> Bool {
        // A real reply is short; anything long is a sentence, not a keyword.
        guard text.unicodeScalars.count <= 200 else { return false }
        var key = OptOutNormalizer.matchKey(text)
        // A trailing subscription number is allowed (see the type's documentation).
        while let last = key.unicodeScalars.last, ("0"..."9").contains(last) {
            key.unicodeScalars.removeLast()
        }
        return normalizedKeywords.contains(key)
    }

    private static let normalizedKeywords: Set<String> = Set(keywords.map(OptOutNormalizer.matchKey))
}

/// The rules every identifier (contact ids, topics, API key labels) obeys, at intake and again in the
/// stores: not empty, bounded, and free of control characters. A NUL in particular would be cut off by
/// SQLite's C API, so `victim\0x` would silently become `victim`.
public enum Identifier {
    public static let maxLength = 256
    public static let topicMaxLength = 100
    public static let keyLabelMaxLength = 200
    /// The stable code of a refusal for control characters; empty or too long stays `invalid_field`.
    public static let controlCharactersCode = "control_characters"

    public static func validate(_ value: String, field: String, maxLength: Int = maxLength) throws(HeraldError) {
        guard !value.isEmpty else { throw .invalid(field, "must not be empty") }
        // Bytes too: a few characters can carry any number of combining marks.
        guard value.count <= maxLength, value.utf8.count <= maxLength * 4 else {
            throw .invalid(field, "must be at most \(maxLength) characters")
        }
        guard !containsControlCharacters(value) else {
            throw .invalid(field, "must not contain control characters", code: controlCharactersCode)
        }
    }

    /// Free text that a store binds as a column (source, actor, addresses) may be long but never carry
    /// control characters.
    public static func validateText(_ value: String, field: String) throws(HeraldError) {
        guard !containsControlCharacters(value) else {
            throw .invalid(field, "must not contain control characters", code: controlCharactersCode)
        }
    }

    public static func containsControlCharacters(_ value: some StringProtocol) -> Bool {
        // ASCII (nearly every id and address) is decided from its bytes; the Unicode property look-up was 1.5%
        // of a contact import's CPU.
        var ascii = true
        for byte in value.utf8 {
            if byte < 0x20 || byte == 0x7F { return true }
            if byte >= 0x80 { ascii = false }
        }
        return !ascii && value.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Text a person reads (a message, a note) may break lines and hold tabs, and nothing else of the control
    /// characters: a NUL or an escape sequence reaches no reader as meant, and a NUL cuts a C string short.
    public static func validateMessageText(_ value: String, field: String) throws(HeraldError) {
        let allowed: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
        guard value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) })
        else { return }
        throw .invalid(field, "must not contain control characters other than line breaks and tabs", code: controlCharactersCode)
    }
}

extension Identifier {
    /// API key labels are optional notes, but stored as text like any id.
    public static func checkKeyLabel(_ label: String?) throws(HeraldError) {
        if let label { try validate(label, field: "label", maxLength: keyLabelMaxLength) }
    }
}

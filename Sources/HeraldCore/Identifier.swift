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
        value.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

extension Identifier {
    /// API key labels are optional notes, but stored as text like any id.
    public static func checkKeyLabel(_ label: String?) throws(HeraldError) {
        if let label { try validate(label, field: "label", maxLength: keyLabelMaxLength) }
    }
}

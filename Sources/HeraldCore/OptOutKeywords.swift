/// Inbound SMS replies that mean "stop messaging me", in English, Persian, Arabic and Russian.
public enum OptOutKeywords {
    /// Case-, whitespace- and digit-form-insensitive; the whole reply must be the keyword.
    public static func isOptOut(_ text: String) -> Bool {
        fatalError("not yet implemented")
    }
}

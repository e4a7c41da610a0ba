/// GSM-7 vs UCS-2 length of an SMS text, as carriers bill it.
public struct SMSLength: Sendable, Hashable {
    public enum Encoding: String, Sendable, Codable { case gsm7, ucs2 }
    public var encoding: Encoding
    /// Septets for GSM-7 (escaped characters count two), UTF-16 code units for UCS-2.
    public var units: Int
    public var segments: Int

    public init(measuring text: String) {
        fatalError("not yet implemented")
    }
}

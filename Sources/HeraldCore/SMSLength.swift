/// GSM-7 vs UCS-2 length of an SMS text, as carriers bill it.
public struct SMSLength: Sendable, Hashable {
    public enum Encoding: String, Sendable, Codable { case gsm7, ucs2 }
    public var encoding: Encoding
    /// Septets for GSM-7 (escaped characters count two), UTF-16 code units for UCS-2.
    public var units: Int
    public var segments: Int

    /// Measured once per message the engine sends: counted in one pass with no array, and the characters' widths
    /// are walked again only for a text longer than one segment.
    public init(measuring text: String) {
        if let septets = Self.gsmSeptets(text) {
            encoding = .gsm7
            units = septets
            segments = septets <= 160 ? 1 : Self.parts(text.unicodeScalars.lazy.map(GSMAlphabet.width), capacity: 153)
        } else {
            encoding = .ucs2
            units = text.utf16.count
            // A surrogate pair (2 UTF-16 units) stays whole inside a part.
            segments = units <= 70 ? 1 : Self.parts(text.unicodeScalars.lazy.map { $0.utf16.count }, capacity: 67)
        }
    }

    /// Septets of the text, or nil when a character is outside GSM 03.38. ASCII text, the usual SMS, is read as
    /// bytes through a table.
    private static func gsmSeptets(_ text: String) -> Int? {
        var septets = 0
        var ascii = true
        for byte in text.utf8 {
            guard byte < 0x80 else {
                ascii = false
                break
            }
            let width = GSMAlphabet.asciiWidths[Int(byte)]
            guard width > 0 else { return nil }
            septets += width
        }
        if ascii { return septets }
        septets = 0
        for scalar in text.unicodeScalars {
            let width = GSMAlphabet.width(scalar)
            guard width > 0 else { return nil }
            septets += width
        }
        return septets
    }

    /// Packs characters into parts of `capacity` units without splitting one across two parts,
    /// which is what senders do with escape sequences and surrogate pairs.
    private static func parts(_ widths: some Sequence<Int>, capacity: Int) -> Int {
        var parts = 1
        var used = 0
        for width in widths {
            if used + width > capacity {
                parts += 1
                used = 0
            }
            used += width
        }
        return parts
    }
}

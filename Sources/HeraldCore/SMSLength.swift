/// GSM-7 vs UCS-2 length of an SMS text, as carriers bill it.
public struct SMSLength: Sendable, Hashable {
    public enum Encoding: String, Sendable, Codable { case gsm7, ucs2 }
    public var encoding: Encoding
    /// Septets for GSM-7 (escaped characters count two), UTF-16 code units for UCS-2.
    public var units: Int
    public var segments: Int

    public init(measuring text: String) {
        // Each element is the width of one character that must stay whole inside a segment:
        // an escaped GSM character (2 septets) or a surrogate pair (2 UTF-16 units).
        if let septets = Self.gsmSeptetWidths(text) {
            self.init(encoding: .gsm7, widths: septets, single: 160, perPart: 153)
        } else {
            let unitWidths = text.unicodeScalars.map { $0.utf16.count }
            self.init(encoding: .ucs2, widths: unitWidths, single: 70, perPart: 67)
        }
    }

    private init(encoding: Encoding, widths: [Int], single: Int, perPart: Int) {
        self.encoding = encoding
        self.units = widths.reduce(0, +)
        self.segments = units <= single ? 1 : Self.parts(widths, capacity: perPart)
    }

    /// Septet widths of every character, or nil when one is outside GSM 03.38.
    private static func gsmSeptetWidths(_ text: String) -> [Int]? {
        var widths: [Int] = []
        widths.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if GSMAlphabet.basic.contains(scalar) {
                widths.append(1)
            } else if GSMAlphabet.extension.contains(scalar) {
                widths.append(2)
            } else {
                return nil
            }
        }
        return widths
    }

    /// Packs characters into parts of `capacity` units without splitting one across two parts,
    /// which is what senders do with escape sequences and surrogate pairs.
    private static func parts(_ widths: [Int], capacity: Int) -> Int {
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

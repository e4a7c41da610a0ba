import PropertyBased
import Testing

@testable import HeraldCore

@Suite struct SMSLengthTests {
    private func measure(_ text: String) -> (SMSLength.Encoding, Int, Int) {
        let length = SMSLength(measuring: text)
        return (length.encoding, length.units, length.segments)
    }

    @Test func emptyTextIsOneEmptySegment() {
        #expect(measure("") == (.gsm7, 0, 1))
    }

    @Test func plainEnglishIsGSM7() {
        #expect(measure("Your code is 123456. Reply STOP to opt out.") == (.gsm7, 43, 1))
        #expect(measure("Ça coûte 5€").0 == .ucs2)  // û is not in GSM 03.38
        #expect(measure("Ça va? Åse, Ñoño, Öl, ß @ £5 ¥ §1 ¿¡").0 == .gsm7)
    }

    @Test func gsm7Boundaries() {
        #expect(measure(String(repeating: "a", count: 160)) == (.gsm7, 160, 1))
        #expect(measure(String(repeating: "a", count: 161)) == (.gsm7, 161, 2))
        #expect(measure(String(repeating: "a", count: 306)) == (.gsm7, 306, 2))
        #expect(measure(String(repeating: "a", count: 307)) == (.gsm7, 307, 3))
    }

    @Test func extensionCharactersTakeTwoSeptets() {
        #expect(measure("€") == (.gsm7, 2, 1))
        #expect(measure("^{}\\[~]|€\u{0C}") == (.gsm7, 20, 1))
        #expect(measure(String(repeating: "€", count: 80)) == (.gsm7, 160, 1))
        #expect(measure(String(repeating: "€", count: 81)) == (.gsm7, 162, 2))
        #expect(measure("a\r\nb") == (.gsm7, 4, 1))
    }

    @Test func escapeSequencesAreNeverSplitAcrossParts() {
        // 306 septets would fit two parts of 153, but the 153rd septet would start an escape pair.
        let text = String(repeating: "a", count: 152) + String(repeating: "€", count: 77)
        #expect(measure(text) == (.gsm7, 306, 3))
    }

    @Test func nonLatinScriptsAreUCS2() {
        #expect(measure("سلام دوست عزیز") == (.ucs2, 14, 1))
        #expect(measure("مرحبا بك") == (.ucs2, 8, 1))
        #expect(measure("Привет, мир") == (.ucs2, 11, 1))
        #expect(measure("Hello علی") == (.ucs2, 9, 1))
        #expect(measure("ç") == (.ucs2, 1, 1))  // only the capital Ç is in GSM 03.38
    }

    @Test func emojiCountAsSurrogatePairs() {
        #expect(measure("Hi 👋") == (.ucs2, 5, 1))
        #expect(measure(String(repeating: "😀", count: 35)) == (.ucs2, 70, 1))
        #expect(measure(String(repeating: "😀", count: 36)) == (.ucs2, 72, 2))
    }

    @Test func ucs2Boundaries() {
        #expect(measure(String(repeating: "ب", count: 70)) == (.ucs2, 70, 1))
        #expect(measure(String(repeating: "ب", count: 71)) == (.ucs2, 71, 2))
        #expect(measure(String(repeating: "ж", count: 134)) == (.ucs2, 134, 2))
        #expect(measure(String(repeating: "ж", count: 135)) == (.ucs2, 135, 3))
    }

    @Test func surrogatePairsAreNeverSplitAcrossParts() {
        let text = String(repeating: "ب", count: 66) + String(repeating: "😀", count: 34)
        #expect(measure(text) == (.ucs2, 134, 3))
    }
}

/// The length as it was first written (every character's width in an array, looked up in the alphabet's sets), kept
/// as the reference the faster count must agree with.
private func referenceLength(_ text: String) -> (SMSLength.Encoding, Int, Int) {
    func parts(_ widths: [Int], _ single: Int, _ perPart: Int) -> Int {
        guard widths.reduce(0, +) > single else { return 1 }
        var parts = 1
        var used = 0
        for width in widths {
            if used + width > perPart {
                parts += 1
                used = 0
            }
            used += width
        }
        return parts
    }
    var septets: [Int]? = []
    for scalar in text.unicodeScalars {
        if GSMAlphabet.basic.contains(scalar) {
            septets?.append(1)
        } else if GSMAlphabet.extension.contains(scalar) {
            septets?.append(2)
        } else {
            septets = nil
            break
        }
    }
    if let septets { return (.gsm7, septets.reduce(0, +), parts(septets, 160, 153)) }
    let units = text.unicodeScalars.map { $0.utf16.count }
    return (.ucs2, units.reduce(0, +), parts(units, 70, 67))
}

@Suite struct SMSLengthPropertyTests {
    /// GSM basic and extension characters (a line break as \r\n too).
    static let gsm = Array("aZ09 @\n\r\r\n£ÇÅΔü€^{}[]|~\\\u{0C}")
    /// ASCII outside GSM (` and controls), Persian, Cyrillic, a Latin letter GSM lacks, emoji.
    static let other = Array("`\u{01}\u{7F}سلام۴жЖû😀👋")

    /// ASCII GSM characters only, escapes included: the byte-table path on texts of one, two and three parts.
    static let asciiGSM = Array("a Z0\n\r^{}[]|~\\\u{0C}")

    /// Texts of up to 400 characters, about two thirds of them "a": ASCII GSM only (the byte table), any GSM, and
    /// anything at all.
    @Test(arguments: 0..<3)
    func agreesWithTheReferenceForAnyText(alphabetIndex: Int) async {
        let alphabet = [Self.asciiGSM, Self.gsm, Self.gsm + Self.other][alphabetIndex]
        let gen = Gen.int(in: 0...(alphabet.count * 3)).array(of: 0...400)
        await propertyCheck(count: 1000, input: gen) { picks in
            let text = String(picks.map { $0 < alphabet.count ? alphabet[$0] : "a" })
            let length = SMSLength(measuring: text)
            #expect((length.encoding, length.units, length.segments) == referenceLength(text), "\(text.debugDescription)")
        }
    }

    @Test func everyASCIICharacterAgreesWithTheReference() {
        for value in UInt8(0)..<128 {
            let text = String(repeating: String(UnicodeScalar(value)), count: 100)
            let length = SMSLength(measuring: text)
            #expect((length.encoding, length.units, length.segments) == referenceLength(text), "byte \(value)")
        }
    }
}

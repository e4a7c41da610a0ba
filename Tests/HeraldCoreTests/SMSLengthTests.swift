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

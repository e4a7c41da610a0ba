import Testing

@testable import HeraldCore

/// Masked addresses appear in traces, logs and error texts: they must never show the whole address,
/// and the fast byte path must mask exactly as the character rules do.
@Suite struct RedactionTests {
    @Test func examples() {
        #expect(Redaction.mask("ana@example.com") == "a***@example.com")
        #expect(Redaction.mask("+989121234567") == "+98********67")
        #expect(Redaction.mask("telegram:1000") == "tel********00")
        #expect(Redaction.mask("12345") == "*****")
        #expect(Redaction.mask("123456") == "123*56")
        #expect(Redaction.mask("@example.com") == "***@example.com")
        #expect(Redaction.mask("") == "")
    }

    @Test("a letter is never split: non-ASCII is masked by characters")
    func nonASCII() {
        #expect(Redaction.mask("سارا@example.ir") == "س***@example.ir")
        #expect(Redaction.mask("é\u{301}x@example.com") == "é\u{301}***@example.com")
        #expect(Redaction.mask("+۹۸۹۱۲۱۲۳۴۵۶۷") == "+۹۸********۶۷")
        #expect(Redaction.mask("ab\r\ncdef") == "ab\r\n**ef")
        var line = Array("email address ".utf8)
        Redaction.appendMasked("سارا@example.ir", to: &line)
        #expect(String(decoding: line, as: UTF8.self) == "email address س***@example.ir")
    }

    @Test("the byte path agrees with the character rules and never shows the whole address")
    func bytePathAgrees() {
        var generator = SplitMix(seed: 42)
        let alphabet = Array("ab+9@._-:0\t ".utf8)
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 16)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let address = String(decoding: bytes, as: UTF8.self)
            let masked = Redaction.mask(address)
            #expect(Redaction.maskASCII(address) == Redaction.maskCharacters(address), "\(address)")
            // A trace line writes the same mask as bytes, after what it already holds.
            var line = Array("sms address ".utf8)
            Redaction.appendMasked(address, to: &line)
            #expect(String(decoding: line, as: UTF8.self) == "sms address \(masked)")
            if !address.isEmpty { #expect(masked != address, "\(address)") }
        }
    }
}

/// A seeded generator, so a failure names an input that reproduces.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

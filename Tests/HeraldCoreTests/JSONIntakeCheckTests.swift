import Foundation
import HeraldCore
import Testing

/// Stable codes for what a decoder would report vaguely: bytes that are not UTF-8 are a malformed body
/// (`invalid_json`), and a number no field can keep (1e400 is infinity, 1e-400 zero) is that field's
/// `invalid_value`, wherever it sits.
@Suite struct JSONIntakeCheckTests {
    private func refusal(_ data: Data) -> HeraldError? {
        do {
            try JSONIntake.check(data)
            return nil
        } catch {
            return error as? HeraldError
        }
    }

    @Test func bytesThatAreNotUTF8AreMalformedJSON() {
        var bytes = Array(#"{"text": "X"}"#.utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "X"))!] = 0xC3
        #expect(refusal(Data(bytes))?.code == "invalid_json")
        #expect(refusal(Data(#"{"text": "سلام"}"#.utf8)) == nil)
    }

    @Test(arguments: ["1e400", "-1e400", "1e-400", "2.5E-999"])
    func aNumberOutOfRangeIsTheFieldsFault(number: String) {
        let error = refusal(Data(#"{"attributes": {"n": \#(number)}}"#.utf8))
        #expect(error?.code == "invalid_value")
        #expect(error?.field == "attributes.n")
    }

    @Test(arguments: ["0", "-0", "0.0", "0e10", "1e-300", "1.5e300"])
    func numbersInRangePass(number: String) {
        #expect(refusal(Data(#"{"n": \#(number)}"#.utf8)) == nil)
    }
}

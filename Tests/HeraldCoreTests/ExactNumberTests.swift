import Foundation
import Testing

@testable import HeraldCore

/// Numbers are kept as sent, and the two readers (Codable at intake, FastJSON from storage) agree, so an
/// event's hash recomputed from what was stored is the hash it was given.
@Suite struct ExactNumberTests {
    static let literals = [
        "123456789012345678901234567890", "1.0000000000000001", "0.1", "42", "-7", "1e-7", "2.5e300",
        // What earlier versions stored for big numbers: must stay a Double so old hashes still verify.
        "1.2345678901234568e+29", "9007199254740993",
    ]

    @Test(arguments: literals)
    func bothReadersAgreeAndWriteBackTheSameText(_ literal: String) throws {
        let codable = try JSONDecoder().decode(JSONValue.self, from: Data(literal.utf8))
        let fast = try FastJSON.parse(literal)
        #expect(codable == fast)
        var text = ""
        FastJSON.append(fast, to: &text)
        #expect(try FastJSON.parse(text) == fast)
        #expect(String(decoding: try HeraldJSON.encoder().encode(fast), as: UTF8.self) == text)
    }

    @Test func bigNumbersAreExactAndOldDoubleTextStaysADouble() throws {
        #expect(try FastJSON.parse("123456789012345678901234567890") == .decimal(Decimal(string: "123456789012345678901234567890")!))
        #expect(try FastJSON.parse("1.2345678901234568e+29") == .number(1.2345678901234568e29))
        #expect(try FastJSON.parse("0.1") == .number(0.1))
    }

    @Test func intakeCountsSignificantDigits() {
        #expect(JSONNumberLiteral.significantDigits(Array("0.00120".utf8)) == 2)
        #expect(JSONNumberLiteral.significantDigits(Array("-1000e5".utf8)) == 1)
        #expect(JSONNumberLiteral.significantDigits(Array("123456789012345678901234567890".utf8)) == 29)
        #expect(throws: HeraldError.self) { try JSONIntake.check(Data(#"{"a": {"b": 1, "b": 2}}"#.utf8)) }
        #expect(throws: Never.self) { try JSONIntake.check(Data(#"{"a": {"b": 1}, "b": [1, {"b": 2}]}"#.utf8)) }
        #expect(throws: Never.self) { try JSONIntake.check(Data("not json".utf8)) }
    }
}

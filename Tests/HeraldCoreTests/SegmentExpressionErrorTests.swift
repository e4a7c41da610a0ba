import Testing

@testable import HeraldCore

@Suite struct SegmentExpressionErrorTests {
    /// Invalid source → the 1-based column of the offending token.
    static let cases: [(String, Int)] = [
        (#"attributes.country = "IR""#, 20),
        (#"attributes.country == "IR"#, 23),
        ("attributes.country == ", 23),
        ("(attributes.x == 1", 19),
        ("attributes.x == 1)", 18),
        ("attributes.x == 1 == 2", 19),
        (#"country == "IR""#, 1),
        ("attributes.x == 'IR'", 17),
        (#"attributes.x not "a""#, 18),
        ("and attributes.x", 1),
        ("attributes.x in [1, 2", 22),
        ("attributes.x in [1 2]", 20),
        ("", 1),
        ("   ", 1),
        (#"attributes.name == "علی" and and"#, 30),
        ("attributes.x == 1.2.3", 17),
        (#"attributes.x == "a\q""#, 19),
        ("attributes.x == -", 17),
        ("attributes.x == 12abc", 17),
        ("attributes.x ==", 16),
        ("()", 2),
        ("attributes.x in in", 17),
    ]

    @Test(arguments: cases)
    func reportsTheColumnOfTheOffendingToken(_ source: String, _ column: Int) {
        #expect {
            try SegmentExpression(parsing: source)
        } throws: { error in
            guard let error = error as? HeraldError else { return false }
            return error.code == "invalid_segment" && error.field == "audience.segment"
                && error.message.hasSuffix("at column \(column)") && error.statusCode == 400
        }
    }

    @Test func explainsCommonMistakes() {
        func message(_ source: String) -> String {
            do {
                _ = try SegmentExpression(parsing: source)
                return ""
            } catch {
                return error.message
            }
        }
        #expect(message(#"attributes.x = "a""#).contains("use =="))
        #expect(message(#"country == "IR""#).contains("attributes.country"))
        #expect(message("attributes.x == 1 == 2").contains("do not chain"))
        #expect(message("(attributes.x == 1").contains("')'"))
    }

    @Test func hostileNestingIsRejectedNotCrashed() {
        for source in [
            String(repeating: "(", count: 100_000), String(repeating: "[", count: 100_000),
            String(repeating: "not ", count: 10_000) + "attributes.x",
        ] {
            #expect(throws: HeraldError.self) { try SegmentExpression(parsing: source) }
        }
    }
}

import Testing

@testable import HeraldCore

/// Three contacts every expression is evaluated against: a Persian VIP, a German newcomer, and one with nothing.
enum SegmentFixtures {
    static let ali = Contact(
        id: "u1", timezone: "Asia/Tehran", locale: "fa-IR",
        attributes: [
            "country": "IR", "tags": ["vip", "early"], "days_inactive": 45, "first_name": "علی", "score": 4.5,
            "verified": true, "address": ["city": "Tehran", "geo": ["lat": 35.7]], "nickname": .null,
            "quote": "say \"hi\" \\ bye",
        ])
    static let maria = Contact(
        id: "u2",
        attributes: [
            "country": "DE", "tags": ["new"], "days_inactive": 3, "first_name": "Maria", "verified": false,
            "balance": -12.5,
        ])
    static let bare = Contact(id: "u3")
    static let all = [ali, maria, bare]
}

@Suite struct SegmentExpressionTests {
    /// Expression → whether it matches [ali, maria, bare].
    static let cases: [(String, [Bool])] = [
        (#"attributes.country == "IR" and "vip" in attributes.tags and attributes.days_inactive >= 30"#,
         [true, false, false]),
        (#"attributes.country == "IR""#, [true, false, false]),
        (#"attributes.country != "IR""#, [false, true, true]),
        ("attributes.days_inactive >= 30", [true, false, false]),
        ("attributes.days_inactive < 30", [false, true, false]),
        ("attributes.days_inactive == 45.0", [true, false, false]),
        ("attributes.days_inactive == 4.5e1", [true, false, false]),
        ("attributes.score > 4.25", [true, false, false]),
        ("attributes.balance == -12.5", [false, true, false]),
        ("attributes.balance < 0", [false, true, false]),
        (#""vip" in attributes.tags"#, [true, false, false]),
        (#""vip" not in attributes.tags"#, [false, true, true]),
        (#"attributes.country in ["IR", "AE"]"#, [true, false, false]),
        (#"attributes.country not in ["IR", "AE"]"#, [false, true, true]),
        (#""IR" in [attributes.country, "XX"]"#, [true, false, false]),
        (#""Teh" in attributes.address.city"#, [true, false, false]),
        ("attributes.address.geo.lat > 35", [true, false, false]),
        (#""first_name" in attributes"#, [true, true, false]),
        (#"attributes.tags == ["vip", "early"]"#, [true, false, false]),
        (#"attributes.first_name == "علی""#, [true, false, false]),
        (#"attributes.quote == "say \"hi\" \\ bye""#, [true, false, false]),
        ("attributes.verified", [true, false, false]),
        ("not attributes.verified", [false, true, true]),
        ("attributes.verified == false", [false, true, false]),
        ("attributes.nickname == null", [true, true, true]),
        ("attributes.country == null", [false, false, true]),
        (#"id == "u2""#, [false, true, false]),
        (#"id in ["u1", "u3"]"#, [true, false, true]),
        (#"timezone == "Asia/Tehran""#, [true, false, false]),
        ("locale == null", [false, true, true]),
        (#"attributes.country == "IR" or attributes.country == "DE""#, [true, true, false]),
        // `not` is looser than comparisons: this is not (country == "IR").
        (#"not attributes.country == "IR""#, [false, true, true]),
        (#"not (attributes.country == "IR" or attributes.days_inactive < 10)"#, [false, false, true]),
        // `and` is tighter than `or`.
        (#"attributes.country == "IR" or attributes.country == "DE" and attributes.days_inactive > 100"#,
         [true, false, false]),
        (#"(attributes.country == "IR" or attributes.country == "DE") and attributes.days_inactive > 1"#,
         [true, true, false]),
        (#"attributes.country == "IR" AND attributes.verified == TRUE"#, [true, false, false]),
        // Mismatched types never match an ordering or equality.
        ("attributes.country > 5", [false, false, false]),
        (#"attributes.days_inactive == "45""#, [false, false, false]),
        (#"attributes.tags < "z""#, [false, false, false]),
        (#"attributes.country < "EZ""#, [false, true, false]),
        ("attributes.missing.deeper > 1", [false, false, false]),
        (#"1 in "123""#, [false, false, false]),
    ]

    @Test(arguments: cases)
    func evaluatesAgainstContacts(_ source: String, _ expected: [Bool]) throws {
        let expression = try SegmentExpression(parsing: source)
        #expect(SegmentFixtures.all.map(expression.matches) == expected, "\(source)")
    }

    @Test func keepsItsSourceAndComparesBySource() throws {
        let a = try SegmentExpression(parsing: "id == \"x\"")
        #expect(a.source == "id == \"x\"")
        #expect(a == (try SegmentExpression(parsing: "id == \"x\"")))
    }

    @Test func deepButLegalNestingEvaluates() throws {
        let depth = 50
        let source =
            String(repeating: "(", count: depth) + #"attributes.country == "IR""# + String(repeating: ")", count: depth)
        #expect(try SegmentExpression(parsing: source).matches(SegmentFixtures.ali))
        let notChain = String(repeating: "not ", count: 40) + "attributes.verified"
        #expect(try SegmentExpression(parsing: notChain).matches(SegmentFixtures.ali))
    }

    @Test func longChainsAndListsStayFlat() throws {
        let ors = (0..<5000).map { #"id == "n\#($0)""# }.joined(separator: " or ") + #" or id == "u2""#
        let expression = try SegmentExpression(parsing: ors)
        #expect(SegmentFixtures.all.map(expression.matches) == [false, true, false])
        let ids = (0..<10000).map { #""n\#($0)""# }.joined(separator: ", ")
        let list = try SegmentExpression(parsing: "id in [\(ids), \"u3\"]")
        #expect(SegmentFixtures.all.map(list.matches) == [false, false, true])
    }
}

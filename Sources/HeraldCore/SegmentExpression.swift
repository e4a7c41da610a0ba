/// A parsed audience segment such as
/// `attributes.country == "IR" and "vip" in attributes.tags and attributes.days_inactive >= 30`.
///
/// Values: `attributes.<key>[.<key>…]`, `id`, `timezone`, `locale` (missing → `null`), strings in double
/// quotes (`\"`, `\\`, `\n`, `\t`), numbers, `true`, `false`, `null`, lists `[…]`.
/// Operators, tightest first: `== != < <= > >=`, `in`, `not in`; then `not`; then `and`; then `or`.
/// `==` is exact and `!=` is its negation; ordering compares two numbers or two strings, anything else
/// is false; `in` finds an element of a list, a substring of a string, or a key of an object.
public struct SegmentExpression: Sendable, Hashable {
    public let source: String
    private let root: SegmentNode

    /// Throws a `HeraldError` with code `invalid_segment`, field `audience.segment`, and the column in the message.
    public init(parsing source: String) throws(HeraldError) {
        self.source = source
        self.root = try SegmentParser.parse(source)
    }

    public func matches(_ contact: Contact) -> Bool {
        root.isTrue(for: contact)
    }

    public static func == (lhs: SegmentExpression, rhs: SegmentExpression) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}

/// A parsed audience segment such as
/// `attributes.country == "IR" and "vip" in attributes.tags and attributes.days_inactive >= 30`.
public struct SegmentExpression: Sendable, Hashable {
    public let source: String

    /// Throws a `HeraldError` with code `invalid_segment`, field `audience.segment`, and the column in the message.
    public init(parsing source: String) throws(HeraldError) {
        fatalError("not yet implemented")
    }

    public func matches(_ contact: Contact) -> Bool {
        fatalError("not yet implemented")
    }
}

import HeraldCore

/// `?cursor=` on paged lists. An empty value is the first page: clients often send back a `next_cursor`
/// they did not get as an empty string. Anything else must be what a page returned.
enum PageCursor {
    /// Lists paged by row id: the cursor is that id in decimal.
    static func id(_ raw: Substring?) throws(HeraldError) -> Int64? {
        guard let raw, !raw.isEmpty else { return nil }
        guard raw.utf8.count <= 18, raw.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let id = Int64(raw) else {
            throw invalid
        }
        return id
    }

    /// Lists paged by a text key (suppressions by address): the cursor is that key, base64url-encoded.
    static func key(_ raw: Substring?) throws(HeraldError) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let key = SuppressionQuery.address(fromCursor: String(raw)) else { throw invalid }
        return key
    }

    static var invalid: HeraldError { .invalid("cursor", "is not a cursor this API returned") }
}

import HeraldCore

/// One page of a job's audience, as fan-out and the dry run read it: an id list pages by index, a segment
/// pages through every contact by id and filters.
public struct AudiencePage: Sendable {
    public var contacts: [Contact]
    public var unknownIds: [String]
    public var cursor: String?
    public var finished: Bool
    /// `Store.contactDeletions()` as read before the page.
    public var contactDeletions: Int64?

    public static func next(
        _ spec: JobSpec, after cursor: String?, segment: SegmentExpression?, store: any Store, limit: Int
    ) async throws -> AudiencePage {
        let deletions = try await store.contactDeletions()
        if let ids = spec.audience.contactIds {
            let start = min(Int(cursor ?? "0") ?? 0, ids.count)
            let end = min(start + limit, ids.count)
            let slice = Array(ids[start..<end])
            let found = try await store.contacts(ids: slice)
            let known = Set(found.map(\.id))
            return AudiencePage(
                contacts: found, unknownIds: Array(Set(slice.filter { !known.contains($0) })), cursor: String(end),
                finished: end >= ids.count, contactDeletions: deletions)
        }
        let contacts = try await store.contactsPage(after: cursor, limit: limit)
        let matching = segment.map { expression in contacts.filter(expression.matches) } ?? contacts
        return AudiencePage(
            contacts: matching, unknownIds: [], cursor: contacts.last?.id ?? cursor, finished: contacts.count < limit,
            contactDeletions: deletions)
    }
}

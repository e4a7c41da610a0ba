import Foundation

/// The ledger's record of an erasure: an event under the erased history's tombstone id, with no personal data.
/// It revokes everything (`*`/`*`), so nothing still queued for the tombstone could ever be sent.
public enum ConsentErasure {
    public static let source = "erasure"
    static let erasedIdsKey = "erased_event_ids"

    /// The id the erased history carries from now on: random, so it links to nobody.
    public static func makeTombstone() -> String {
        "erased-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    public static func isTombstone(_ contactId: String) -> Bool { contactId.hasPrefix("erased-") }

    public static func input(tombstone: String, erasedEventIds: [Int64], actor: String, at: Date) -> ConsentInput {
        ConsentInput(
            contactId: tombstone, channel: "*", topic: "*", status: .revoked, source: source,
            evidence: .object([erasedIdsKey: .array(erasedEventIds.map { .number(Double($0)) })]),
            actor: actor, occurredAt: at)
    }

    /// The ids an erasure event names, or nil when `event` is not an erasure event.
    public static func erasedEventIds(in event: ConsentEvent) -> [Int64]? {
        guard event.source == source, event.seal?.isErased == false,
            case .object(let fields)? = event.evidence, case .array(let ids)? = fields[erasedIdsKey]
        else { return nil }
        return ids.compactMap { value in
            switch value {
            case .number(let number): Int64(exactly: number)
            case .decimal(let number): Int64(exactly: NSDecimalNumber(decimal: number).doubleValue)
            default: nil
            }
        }
    }
}

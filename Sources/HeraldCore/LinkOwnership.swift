import Foundation

/// Whether a signed link (`/p/`, `/u/`) belongs to the contact now stored under its id. Erasure deletes a
/// contact's row, so the id can be stored again for someone else; a link signed before that must not show or
/// change the new contact's choices.
public enum LinkOwnership {
    /// Five minutes: the contact's creation time comes from the node that stored it and the link's signing
    /// time from the node that sent it, and NTP-kept clocks differ by far less. An erasure and re-creation
    /// inside that window after a send are not told apart.
    public static let clockAllowance: TimeInterval = 300

    /// True when the contact was created after the link was signed. A contact stored before creation times
    /// were kept counts as created in 1970. Links signed before signing times were carried are each token's
    /// own call.
    public static func predates(issuedAt: Date, contactCreatedAt created: Date) -> Bool {
        created.timeIntervalSince(issuedAt) > clockAllowance
    }
}

import HeraldCore

/// Whether ledger events recorded after a claim stop a delivery the claim let through: the same scope
/// rules as the policy (`ConsentResolution`), applied to the new events alone. A deciding revocation
/// among them stops the send; a grant never starts one that the policy held back.
public enum LateRevocation {
    /// The revocation that stops a delivery on `channel` for a job of `purpose`/`topic`, if any.
    public static func stopping(
        _ events: [ConsentEvent], channel: ChannelKind, purpose: Purpose, topic: String?
    ) -> ConsentEvent? {
        let resolution = ConsentResolution(events: events, channel: channel, purpose: purpose, topic: topic)
        guard let index = resolution.decidingIndex, events[index].status == .revoked else { return nil }
        return events[index]
    }
}

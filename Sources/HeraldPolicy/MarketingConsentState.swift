import HeraldCore

/// Whether marketing on one channel and topic may reach a contact, decided exactly as rule 3 of the policy
/// decides it (see `ConsentResolution`): what the preference page shows is what the next campaign obeys.
public enum MarketingConsentState: String, Sendable, Hashable {
    case granted
    /// A revocation decides: the contact opted out.
    case optedOut = "opted_out"
    /// Nothing covers this channel and topic.
    case noConsent = "no_consent"

    /// `topic` nil or "*" asks about marketing without a topic.
    public init(events: [ConsentEvent], channel: ChannelKind, topic: String?) {
        let resolution = ConsentResolution(events: events, channel: channel, purpose: .marketing, topic: topic)
        guard let decider = resolution.decidingIndex else {
            self = .noConsent
            return
        }
        self = events[decider].status == .granted ? .granted : .optedOut
    }
}

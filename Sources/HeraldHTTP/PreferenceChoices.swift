import HeraldCore
import HeraldPolicy

/// What the preference page offers one contact: a choice per topic × channel (per channel alone when no
/// topics are declared), each with the state the policy would decide from the ledger right now.
struct PreferenceChoices: Sendable {
    struct Choice: Sendable, Hashable {
        /// Nil: marketing without a topic ("*"), offered when no topics are declared.
        var topic: Topic?
        var channel: ChannelKind
        var state: MarketingConsentState

        var topicId: String { topic?.id ?? "*" }
        /// The checkbox value: the kind has no colon, so the first colon splits it from the topic id.
        var formValue: String { "\(channel.rawValue):\(topicId)" }
    }

    /// One ledger change a submission asks for.
    struct Change: Sendable, Hashable {
        var channel: String
        var topic: String
        var status: ConsentStatus
    }

    let choices: [Choice]

    init(topics: TopicCatalog, contact: Contact, events: [ConsentEvent]) {
        // Channels the contact can be reached on; all of them when Herald knows no address yet.
        let reachable = ChannelKind.allCases.filter { !contact.addresses(on: $0).isEmpty }
        func offered(_ kinds: [ChannelKind]) -> [ChannelKind] {
            reachable.isEmpty ? kinds : kinds.filter(reachable.contains)
        }
        guard !topics.isEmpty else {
            choices = offered(ChannelKind.allCases).map { kind in
                Choice(topic: nil, channel: kind, state: MarketingConsentState(events: events, channel: kind, topic: nil))
            }
            return
        }
        choices = topics.topics.flatMap { topic in
            offered(topic.kinds).map { kind in
                Choice(topic: topic, channel: kind, state: MarketingConsentState(events: events, channel: kind, topic: topic.id))
            }
        }
    }

    /// Ledger events that make the ledger say what the form says: a grant for each ticked choice that is
    /// not granted now, a revocation for each granted one left unticked. Untouched choices write nothing,
    /// and values that name no offered choice are ignored.
    func changes(ticked: Set<String>) -> [Change] {
        choices.compactMap { choice in
            let wanted = ticked.contains(choice.formValue)
            if wanted, choice.state != .granted {
                return Change(channel: choice.channel.rawValue, topic: choice.topicId, status: .granted)
            }
            if !wanted, choice.state == .granted {
                return Change(channel: choice.channel.rawValue, topic: choice.topicId, status: .revoked)
            }
            return nil
        }
    }

    /// "Leave everything": one revocation of all marketing on every channel, which the policy lets beat
    /// every earlier grant (see `ConsentResolution`).
    static let leaveEverything = Change(channel: "*", topic: "*", status: .revoked)
}

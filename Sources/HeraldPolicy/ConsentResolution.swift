import HeraldCore

/// Which ledger event decides whether a delivery may go out, and why.
///
/// Scope resolution, for a delivery on channel kind K of a job with purpose P and topic T:
///
/// - An event *covers* the delivery when its channel is K or "*". Only covering events count.
/// - **Transactional**: only topic-"*" events speak (they are the channel-wide opt-in/opt-out);
///   the latest of them by ledger id decides. A revocation there means `opted_out`; no event or a
///   grant means the delivery may go.
/// - **Marketing**: events fall into two tiers by topic specificity: topic T (when the job has a topic
///   other than "*") and topic "*". Within a tier, K and "*" channel events compete by recency (the
///   highest ledger id wins). The topic-T tier decides when it has any event ("topic-level records win
///   over *"); otherwise the "*" tier decides. One exception keeps "opt out of everything" honest: when
///   the topic tier's decider is a grant but the "*" tier's current decider is a revocation recorded
///   after it, that revocation decides (a later global STOP beats an older newsletter grant).
///   A deciding revocation means `opted_out`; a deciding grant is the consent; no deciding event means
///   `no_consent`. A job without a topic only looks at the "*" tier.
struct ConsentResolution {
    enum Tier {
        case topic
        case channelWide
    }

    /// The deciding event (index into the facts' ledger slice), or nil when nothing covers the delivery.
    let decidingIndex: Int?
    let tier: Tier?
    /// True when a later channel-wide revocation overrode a topic-level grant.
    let overridden: Bool

    init(events: [ConsentEvent], channel: ChannelKind, purpose: Purpose, topic: String?) {
        let kind = channel.rawValue
        let topic = purpose == .marketing && topic != "*" ? topic : nil
        var latestTopic: Int?
        var latestWide: Int?
        // Fields are read in place: binding `events[index]` to a name copies the event, retaining its strings.
        for index in events.indices {
            guard events[index].channel == "*" || events[index].channel == kind else { continue }
            let id = events[index].id
            if events[index].topic == "*" {
                if latestWide.map({ events[$0].id < id }) ?? true { latestWide = index }
            } else if let topic, events[index].topic == topic {
                if latestTopic.map({ events[$0].id < id }) ?? true { latestTopic = index }
            }
        }
        guard let topicIndex = latestTopic else {
            decidingIndex = latestWide
            tier = latestWide == nil ? nil : .channelWide
            overridden = false
            return
        }
        if events[topicIndex].status == .granted, let wide = latestWide, events[wide].status == .revoked,
            events[wide].id > events[topicIndex].id
        {
            decidingIndex = wide
            tier = .channelWide
            overridden = true
        } else {
            decidingIndex = topicIndex
            tier = .topic
            overridden = false
        }
    }
}

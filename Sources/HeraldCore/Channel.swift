/// The four kinds of channel; a channel *instance* is a configured driver of one kind.
public enum ChannelKind: String, Codable, Sendable, CaseIterable, Hashable {
    case email, sms, push, messenger
}

public enum Purpose: String, Codable, Sendable, Hashable {
    case transactional, marketing
}

/// Dispatch lanes: transactional work never waits behind a campaign.
public enum Lane: Int, Codable, Sendable, Comparable {
    case campaign = 0
    case transactional = 1

    public static func < (lhs: Lane, rhs: Lane) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(purpose: Purpose) {
        self = purpose == .transactional ? .transactional : .campaign
    }
}

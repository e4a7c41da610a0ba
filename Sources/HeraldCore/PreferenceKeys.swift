import Foundation

/// What signs and checks preference links: the current key, the previous one (accepted, never used to
/// sign) while links from before a rotation are still in people's inboxes, and how long a link lives.
public struct PreferenceKeys: Sendable, Hashable {
    public var current: [UInt8]
    public var previous: [UInt8]?
    public var linkLifetime: TimeInterval

    /// Ninety days: long enough for a newsletter read late, short enough that an old forwarded mail stops working.
    public static let defaultLinkLifetime: TimeInterval = 90 * 86_400

    public init(current: [UInt8], previous: [UInt8]? = nil, linkLifetime: TimeInterval = defaultLinkLifetime) {
        self.current = current
        self.previous = previous
        self.linkLifetime = linkLifetime
    }

    /// A new `/p/{token}` link for `contactId`, valid from `now` for `linkLifetime`.
    public func link(baseURL: String, contactId: String, now: Date, tokenId: String = PreferenceToken.newTokenId()) -> String {
        let token = PreferenceToken(
            contactId: contactId, tokenId: tokenId, expiresAt: now.addingTimeInterval(linkLifetime), issuedAt: now)
        return "\(baseURL)/p/\(token.signed(key: current))"
    }

    public func verify(_ text: String, now: Date) -> PreferenceToken.Verification {
        PreferenceToken.verify(text, keys: [current] + (previous.map { [$0] } ?? []), now: now)
    }
}

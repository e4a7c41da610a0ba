import Foundation

/// The links a template may place: `{{unsubscribe_url}}` opens the one-click page for this channel and the
/// job's topic (the same link as the List-Unsubscribe header of marketing mail), a signed `/u/{token}`;
/// `{{preferences_url}}` opens the contact's preference page, a signed, expiring `/p/{token}` (without
/// preference keys it falls back to the one-click page for all marketing on every channel).
public struct TemplateLinks: Sendable, Hashable {
    public var unsubscribeURL: String
    public var preferencesURL: String

    public init(unsubscribeURL: String, preferencesURL: String) {
        self.unsubscribeURL = unsubscribeURL
        self.preferencesURL = preferencesURL
    }

    static let unsubscribeKey = "unsubscribe_url"
    static let preferencesKey = "preferences_url"
    static let names = [unsubscribeKey, preferencesKey]

    /// `{{unsubscribe_url}}` or `{{preferences_url}}`; nil for any other name.
    func templateValue(_ name: String) -> JSONValue? {
        switch name {
        case Self.unsubscribeKey: .string(unsubscribeURL)
        case Self.preferencesKey: .string(preferencesURL)
        default: nil
        }
    }

    /// Signed links for one contact and channel, signed at `now`; nil without a secret (no link could be
    /// verified).
    public static func signed(
        baseURL: String, secret: [UInt8], contactId: String, channel: ChannelKind, topic: String?, now: Date,
        preferencesLink: String? = nil
    ) -> TemplateLinks? {
        guard !secret.isEmpty else { return nil }
        func link(_ channel: String, _ topic: String?) -> String {
            unsubscribeLink(
                baseURL: baseURL, secret: secret, contactId: contactId, channel: channel, topic: topic, now: now)
        }
        return TemplateLinks(
            unsubscribeURL: link(channel.rawValue, topic), preferencesURL: preferencesLink ?? link("*", "*"))
    }

    /// The one-click page `/u/{token}` for `channel` (a kind or `*`) and `topic` (nil: all marketing), signed
    /// at `now`.
    public static func unsubscribeLink(
        baseURL: String, secret: [UInt8], contactId: String, channel: String, topic: String?, now: Date
    ) -> String {
        let token = UnsubscribeToken(contactId: contactId, channel: channel, topic: topic ?? "*", issuedAt: now)
        return "\(baseURL)/u/\(token.signed(secret: secret))"
    }

    /// Whether any part of `content`, in any variant, mentions one of the links.
    static func mentioned(in content: Content) -> Bool {
        var sources: [String] = []
        if let email = content.email {
            for part in [email] + (email.locales.map { Array($0.values) } ?? []) {
                sources += [part.subject, part.text, part.html ?? ""]
            }
        }
        if let sms = content.sms { sources += [sms.text] + (sms.locales?.values.map(\.text) ?? []) }
        if let push = content.push {
            for part in [push] + (push.locales.map { Array($0.values) } ?? []) {
                sources += [part.title, part.body] + (part.data.map { Array($0.values) } ?? [])
            }
        }
        if let messenger = content.messenger {
            sources += [messenger.text] + (messenger.locales?.values.map(\.text) ?? [])
        }
        return sources.contains { ContentTemplate.hasTag($0) && ($0.contains(unsubscribeKey) || $0.contains(preferencesKey)) }
    }
}

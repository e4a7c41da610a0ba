import Foundation
import HeraldCore

/// Options of an `email` channel instance using the SMTP driver, read from the channel's YAML `options:`.
/// The daemon resolves `password` from an env var or file before handing the config over.
public struct SMTPConfig: Codable, Sendable, Hashable {
    /// What to do about STARTTLS on an `smtp://` URL (`smtps://` is TLS from the first byte).
    public enum StartTLS: String, Codable, Sendable, Hashable {
        /// Refuse to send when the relay does not offer STARTTLS.
        case required
        /// Upgrade when offered, send in clear otherwise.
        case optional
        case off
    }

    public struct DKIM: Codable, Sendable, Hashable {
        public var domain: String
        public var selector: String
        public var privateKeyPEM: String

        public init(domain: String, selector: String, privateKeyPEM: String) {
            self.domain = domain
            self.selector = selector
            self.privateKeyPEM = privateKeyPEM
        }

        enum CodingKeys: String, CodingKey {
            case domain, selector
            case privateKeyPEM = "private_key_pem"
        }
    }

    /// `smtp://host:port` or `smtps://host:port`.
    public var url: String
    public var starttls: StartTLS
    public var username: String?
    public var password: String?
    public var from: String
    public var fromName: String?
    public var timeoutSeconds: Int
    /// Connections (curl easy handles) kept open to the relay; also the send concurrency.
    public var poolSize: Int
    public var dkim: DKIM?
    /// Added to `List-Unsubscribe` on marketing mail next to the one-click URL.
    public var unsubscribeMailto: String?
    /// Right-hand side of generated Message-IDs; defaults to the domain of `from`.
    public var messageIdDomain: String?
    /// Verify the relay's certificate. Only tests against a self-signed relay turn this off.
    public var tlsVerify: Bool

    public init(
        url: String, starttls: StartTLS = .required, username: String? = nil, password: String? = nil,
        from: String, fromName: String? = nil, timeoutSeconds: Int = 30, poolSize: Int = 4, dkim: DKIM? = nil,
        unsubscribeMailto: String? = nil, messageIdDomain: String? = nil, tlsVerify: Bool = true
    ) {
        self.url = url
        self.starttls = starttls
        self.username = username
        self.password = password
        self.from = from
        self.fromName = fromName
        self.timeoutSeconds = timeoutSeconds
        self.poolSize = poolSize
        self.dkim = dkim
        self.unsubscribeMailto = unsubscribeMailto
        self.messageIdDomain = messageIdDomain
        self.tlsVerify = tlsVerify
    }

    enum CodingKeys: String, CodingKey {
        case url, starttls, username, password, from, dkim
        case fromName = "from_name"
        case timeoutSeconds = "timeout_seconds"
        case poolSize = "pool_size"
        case unsubscribeMailto = "unsubscribe_mailto"
        case messageIdDomain = "message_id_domain"
        case tlsVerify = "tls_verify"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            url: try c.decode(String.self, forKey: .url),
            starttls: try c.decodeIfPresent(StartTLS.self, forKey: .starttls) ?? .required,
            username: try c.decodeIfPresent(String.self, forKey: .username),
            password: try c.decodeIfPresent(String.self, forKey: .password),
            from: try c.decode(String.self, forKey: .from),
            fromName: try c.decodeIfPresent(String.self, forKey: .fromName),
            timeoutSeconds: try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? 30,
            poolSize: try c.decodeIfPresent(Int.self, forKey: .poolSize) ?? 4,
            dkim: try c.decodeIfPresent(DKIM.self, forKey: .dkim),
            unsubscribeMailto: try c.decodeIfPresent(String.self, forKey: .unsubscribeMailto),
            messageIdDomain: try c.decodeIfPresent(String.self, forKey: .messageIdDomain),
            tlsVerify: try c.decodeIfPresent(Bool.self, forKey: .tlsVerify) ?? true
        )
    }

    /// The domain used in Message-IDs: configured, else the sender's domain.
    var effectiveMessageIdDomain: String {
        if let messageIdDomain, !messageIdDomain.isEmpty { return messageIdDomain }
        return from.split(separator: "@").last.map(String.init) ?? "localhost"
    }

    /// Rejects what would fail every send, so a bad config shows up at start-up, not per message.
    func validate() throws(HeraldError) {
        let lower = url.lowercased()
        guard lower.hasPrefix("smtp://") || lower.hasPrefix("smtps://") else {
            throw .invalid("options.url", "must start with smtp:// or smtps://", code: "smtp_config_invalid")
        }
        guard MIMEAddress.isValid(from) else {
            throw .invalid("options.from", "is not a valid email address", code: "smtp_config_invalid")
        }
        guard poolSize >= 1, poolSize <= 64 else {
            throw .invalid("options.pool_size", "must be between 1 and 64", code: "smtp_config_invalid")
        }
        guard timeoutSeconds >= 1 else {
            throw .invalid("options.timeout_seconds", "must be at least 1", code: "smtp_config_invalid")
        }
    }
}

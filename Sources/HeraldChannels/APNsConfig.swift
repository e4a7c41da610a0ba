import Foundation

/// Options of an `apns` channel instance, as the daemon decodes them from YAML `options:`.
/// The `.p8` key arrives as PEM text, already read from its env var or file.
public struct APNsConfig: Codable, Sendable, Hashable {
    public static let productionBaseURL = "https://api.push.apple.com"
    public static let sandboxBaseURL = "https://api.sandbox.push.apple.com"

    /// The token-signing key from the Apple developer account (`AuthKey_<key id>.p8`), PEM text.
    public var keyPEM: String
    /// The key's 10-character id; sent as the provider token's `kid`.
    public var keyId: String
    /// The developer team id; sent as the provider token's `iss`.
    public var teamId: String
    /// The app's bundle id, sent as `apns-topic`.
    public var topic: String
    /// APNs origin: production, the sandbox for development builds, or a loopback fake in tests.
    public var baseURL: String
    /// `apns-priority`: 10 delivers at once, 5 lets the device batch for power.
    public var priority: Int
    /// How long APNs keeps trying an offline device (`apns-expiration` = now + this); 0 = deliver once or drop.
    public var expirationSeconds: Int
    public var timeoutSeconds: Double

    public init(
        keyPEM: String, keyId: String, teamId: String, topic: String, baseURL: String = APNsConfig.productionBaseURL,
        priority: Int = 10, expirationSeconds: Int = 86_400, timeoutSeconds: Double = 10
    ) {
        self.keyPEM = keyPEM
        self.keyId = keyId
        self.teamId = teamId
        self.topic = topic
        self.baseURL = baseURL
        self.priority = priority
        self.expirationSeconds = expirationSeconds
        self.timeoutSeconds = timeoutSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case keyPEM = "key_pem"
        case keyId = "key_id"
        case teamId = "team_id"
        case topic
        case baseURL = "base_url"
        case priority
        case expirationSeconds = "expiration_seconds"
        case timeoutSeconds = "timeout_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keyPEM = try c.decode(String.self, forKey: .keyPEM)
        keyId = try c.decode(String.self, forKey: .keyId)
        teamId = try c.decode(String.self, forKey: .teamId)
        topic = try c.decode(String.self, forKey: .topic)
        baseURL = try c.decodeIfPresent(String.self, forKey: .baseURL) ?? Self.productionBaseURL
        priority = try c.decodeIfPresent(Int.self, forKey: .priority) ?? 10
        expirationSeconds = try c.decodeIfPresent(Int.self, forKey: .expirationSeconds) ?? 86_400
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? 10
    }
}

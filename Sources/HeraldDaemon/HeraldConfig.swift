import Foundation
import HeraldCore

/// The YAML configuration file (SPEC §4). Every key is optional: no file at all means the embedded
/// default — 127.0.0.1:8025, SQLite in ./herald-data/, a `log` channel per kind.
public struct HeraldConfig: Sendable, Codable {
    public var listen: String?
    public var storage: String?
    /// Base URL recipients reach this daemon at (one-click unsubscribe links).
    public var publicUrl: String?
    public var dataDir: String?
    public var logLevel: String?
    public var channels: [ChannelConfig]?
    public var auth: AuthConfig?

    enum CodingKeys: String, CodingKey {
        case listen, storage, channels, auth
        case publicUrl = "public_url"
        case dataDir = "data_dir"
        case logLevel = "log_level"
    }

    public init() {}
}

public struct ChannelConfig: Sendable, Codable {
    public var id: String
    public var kind: ChannelKind
    /// `log`, `smtp`, `http` (profile-driven), `fcm`, `apns`.
    public var driver: String
    /// For `http`: the provider profile in channels/ (e.g. `kavenegar`).
    public var profile: String?
    public var options: [String: String]?
    /// Names of secrets → `env:VAR` or `file:/path`; values never live in the config file.
    public var secrets: [String: String]?
    /// Sends per second.
    public var rate: Double?
    public var concurrency: Int?
    /// Address prefixes this instance is preferred for (e.g. "+98").
    public var routes: [String]?

    public init(id: String, kind: ChannelKind, driver: String) {
        self.id = id
        self.kind = kind
        self.driver = driver
    }
}

public struct AuthConfig: Sendable, Codable {
    /// Secret for signing unsubscribe links: `env:VAR` or `file:/path`. Default: generated in the data dir.
    public var unsubscribeSecret: String?

    enum CodingKeys: String, CodingKey {
        case unsubscribeSecret = "unsubscribe_secret"
    }
}

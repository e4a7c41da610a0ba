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
    /// Folder of extra provider profiles (`<id>/profile.yaml`), added to or overriding the built-in ones.
    public var profilesDir: String?
    public var channels: [ChannelConfig]?
    public var auth: AuthConfig?
    /// Queue tunables: leases and batch sizes.
    public var engine: EngineConfig?
    /// Serve HTTPS with these PEM files (re-read on SIGHUP).
    public var tls: TLSFiles?
    /// Allows plain HTTP on a non-loopback `listen` (a TLS proxy in front); off unless said outright.
    public var insecureListen: Bool?
    /// Status webhook endpoints (SPEC §8).
    public var webhooks: [WebhookConfig]?

    enum CodingKeys: String, CodingKey {
        case listen, storage, channels, auth, engine, tls, webhooks
        case insecureListen = "insecure_listen"
        case publicUrl = "public_url"
        case dataDir = "data_dir"
        case logLevel = "log_level"
        case profilesDir = "profiles_dir"
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
    /// Driver options. A secret NAME is never inline: `NAME_env` names an environment variable and
    /// `NAME_file` a file holding it.
    public var options: [String: String]?
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
    /// Where the secret that signs unsubscribe links comes from (an environment variable or a file).
    /// Neither: one is generated in the data directory on first start.
    public var unsubscribeSecretEnv: String?
    public var unsubscribeSecretFile: String?

    enum CodingKeys: String, CodingKey {
        case unsubscribeSecretEnv = "unsubscribe_secret_env"
        case unsubscribeSecretFile = "unsubscribe_secret_file"
    }
}

import AsyncHTTPClient
import Foundation
import HeraldChannels
import HeraldCore
import HeraldEngine

/// Builds channel instances from the `channels:` config; with none configured, a `log` instance per kind.
public enum ChannelFactory {
    /// Each HTTP-based instance gets its own client sized to its concurrency; `ChannelDriver.shutdown()` on
    /// every router instance releases them.
    public static func router(for loaded: LoadedConfig) async throws -> ChannelRouter {
        for config in loaded.config.channels ?? [] where (config.rate ?? 1) <= 0 {
            throw HeraldError(
                code: "config_invalid", message: "rate must be more than 0 messages per second",
                field: "channels.\(config.id).rate")
        }
        let built = try await instances(for: loaded)
        return ChannelRouter(
            built.map { config, driver in
                let instance = InstanceGuard(
                    driver: driver, ratePerSecond: config.rate ?? (driver as? HTTPProfileDriver)?.defaultRatePerSecond,
                    concurrency: concurrency(config, profile: (driver as? HTTPProfileDriver)?.profile))
                return ChannelRouter.Route(instance: instance, prefixes: config.routes ?? [])
            })
    }

    /// Sends in flight allowed for one instance: its config, else its profile's default, else 64.
    static func concurrency(_ config: ChannelConfig, profile: Profile?) -> Int {
        config.concurrency ?? profile?.rate?.concurrency ?? 64
    }

    /// Validates every profile and channel, then asks each instance to reach its provider.
    public static func check(_ loaded: LoadedConfig) async throws -> [ChannelCheck] {
        var checks: [ChannelCheck] = []
        if let catalog = try? profileCatalog(loaded) {
            checks.append(ChannelCheck(instance: "profiles", ok: true, detail: "\(catalog.profiles.count) profiles valid"))
            for id in catalog.profiles.keys.sorted() {
                checks.append(ChannelCheck(instance: "profile \(id)", ok: true, detail: catalog.sources[id] ?? "?"))
            }
        }
        for (_, driver) in try await instances(for: loaded) {
            checks.append(await driver.check())
            await driver.shutdown()
        }
        return checks
    }

    /// On a config error, the instances already built are shut down before it is thrown.
    static func instances(for loaded: LoadedConfig) async throws -> [(ChannelConfig, any ChannelDriver)] {
        let configs = loaded.config.channels ?? defaultChannels()
        var seen: Set<String> = []
        var built: [(ChannelConfig, any ChannelDriver)] = []
        do {
            for config in configs {
                guard seen.insert(config.id).inserted else {
                    throw HeraldError(code: "config_invalid", message: "channel id \(config.id) is used twice", field: "channels")
                }
                built.append((config, try await makeDriver(config, loaded: loaded)))
            }
        } catch {
            for (_, driver) in built { await driver.shutdown() }
            throw error
        }
        return built
    }

    /// Builds a driver on its own HTTP client, shutting the client down if the driver cannot be built.
    private static func withInstanceClient(
        connections: Int, _ build: (HTTPClient) throws -> any ChannelDriver
    ) async throws -> any ChannelDriver {
        let client = HTTPClient.forChannelInstance(connections: connections)
        do {
            return try build(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func defaultChannels() -> [ChannelConfig] {
        ChannelKind.allCases.map { ChannelConfig(id: "log-\($0.rawValue)", kind: $0, driver: "log") }
    }

    static func profileCatalog(_ loaded: LoadedConfig) throws -> ProfileCatalog {
        try ProfileCatalog.standard(overrides: loaded.config.profilesDir.map { URL(fileURLWithPath: $0, isDirectory: true) })
    }

    static func makeDriver(_ config: ChannelConfig, loaded: LoadedConfig) async throws -> any ChannelDriver {
        let options = config.options ?? [:]
        let field = "channels.\(config.id).options"
        switch config.driver {
        case "log":
            let path = options["path"]
                ?? loaded.dataDirectory.appendingPathComponent("outbox-\(config.kind.rawValue).ndjson").path
            return try LogDriver(id: config.id, kind: config.kind, path: path)
        case "http":
            guard let profileId = config.profile else {
                throw HeraldError(code: "config_invalid", message: "an http channel needs a profile", field: "channels.\(config.id).profile")
            }
            let profile = try profileCatalog(loaded).profile(profileId)
            let secrets = try profile.resolveSecrets(
                instanceId: config.id, options: options, environment: ProcessInfo.processInfo.environment)
            let timeout = Duration.seconds(Int64(options["timeout_seconds"].flatMap(Int64.init) ?? 15))
            let caFile = options["ca_file"]
            if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw HeraldError(
                    code: "config_invalid", message: "ca_file is not a readable file",
                    field: "channels.\(config.id).options.ca_file")
            }
            // Herald's HTTP/1.1 pool on SwiftNIO, one keep-alive connection per send in flight: about a third
            // of AsyncHTTPClient's CPU per message, and less than libcurl's (BENCHMARKS.md, session 4).
            return try HTTPProfileDriver(
                profile: profile, instanceId: config.id, options: options, secrets: secrets,
                connections: concurrency(config, profile: profile), caFile: caFile, timeout: timeout)
        case "smtp":
            guard let url = options["url"], let from = options["from"] else {
                throw HeraldError(code: "config_invalid", message: "smtp needs url and from", field: field)
            }
            var dkim: SMTPConfig.DKIM?
            if let domain = options["dkim_domain"], let selector = options["dkim_selector"] {
                dkim = SMTPConfig.DKIM(
                    domain: domain, selector: selector,
                    privateKeyPEM: try Secrets.required("dkim_private_key_pem", in: options, field: field))
            }
            let smtp = SMTPConfig(
                url: url, starttls: options["starttls"].flatMap(SMTPConfig.StartTLS.init(rawValue:)) ?? .required,
                username: options["username"], password: try Secrets.optional("password", in: options, field: field),
                from: from, fromName: options["from_name"],
                // The pool is what caps sends in flight, so a lower `concurrency` narrows it.
                poolSize: min(options["pool_size"].flatMap(Int.init) ?? 4, config.concurrency ?? .max),
                dkim: dkim, unsubscribeMailto: options["unsubscribe_mailto"],
                tlsVerify: options["tls_verify"] != "false")
            return try SMTPDriver(
                id: config.id, config: smtp, returnPath: try BounceSettings.returnPath(config, loaded: loaded))
        case "fcm":
            let fcm = FCMConfig(
                serviceAccountJSON: try Secrets.required("service_account_json", in: options, field: field),
                baseURL: options["base_url"] ?? FCMConfig.defaultBaseURL, tokenURI: options["token_uri"],
                projectId: options["project_id"])
            // FCM and APNs stay on AsyncHTTPClient: APNs needs HTTP/2, and both share PushHTTP.
            return try await withInstanceClient(connections: concurrency(config, profile: nil)) { client in
                try FCMDriver(id: config.id, config: fcm, httpClient: client, ownsClient: true)
            }
        case "apns":
            guard let keyId = options["key_id"], let teamId = options["team_id"], let topic = options["topic"] else {
                throw HeraldError(code: "config_invalid", message: "apns needs key_id, team_id and topic", field: field)
            }
            let apns = APNsConfig(
                keyPEM: try Secrets.required("key_pem", in: options, field: field), keyId: keyId, teamId: teamId,
                topic: topic, baseURL: options["base_url"] ?? APNsConfig.productionBaseURL)
            return try await withInstanceClient(connections: concurrency(config, profile: nil)) { client in
                try APNsDriver(id: config.id, config: apns, httpClient: client, ownsClient: true)
            }
        default:
            throw HeraldError(
                code: "config_invalid", message: "channel \(config.id): unknown driver \(config.driver)",
                field: "channels.\(config.id).driver")
        }
    }
}

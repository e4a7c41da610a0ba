import Foundation
import HeraldCore
import HeraldEngine
import HeraldHTTP
import HeraldPolicy
import HummingbirdCore
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals
import Yams

/// Wiring: config → store, policy, channels → services in one ServiceGroup.
/// Services stop in reverse order: HTTP stops accepting first, then fan-out, then dispatch drains its
/// in-flight sends; the store closes after the group has finished.
public struct Daemon {
    public var loaded: LoadedConfig
    public var logger: Logger

    public init(loaded: LoadedConfig, logger: Logger) {
        self.loaded = loaded
        self.logger = logger
    }

    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let certificates = try loaded.tlsCertificates()
        let store = try await StoreFactory.open(loaded.storage)
        if let keyFile = try await AdminKey.ensure(store: store, dataDirectory: loaded.dataDirectory, now: Date()) {
            logger.notice("created the first admin API key", metadata: ["file": "\(keyFile.path)"])
        }
        let rules = try PolicySettings.rules(loaded)
        logger.notice(
            "policy in force", metadata: ["policy.rules": .array(rules.summary.map { .string($0) })])
        let policy = CompliancePolicy(rules: rules)
        let secret = try unsubscribeSecret()
        var settings = (loaded.config.engine ?? EngineConfig())
            .settings(publicBaseURL: loaded.publicURL, unsubscribeSecret: secret)
        settings.workerId = try nodeId()
        let topics = try PreferenceSettings.topics(loaded)
        let preferenceKeys = try PreferenceSettings.keys(loaded)
        settings.preferenceKeys = preferenceKeys
        let smsMaxSegments = try PolicySettings.smsMaxSegments(loaded)
        settings.smsMaxSegments = smsMaxSegments
        let inbound = try InboundRouter(loaded: loaded)
        let checkpoints = try CheckpointWiring(loaded: loaded, store: store, logger: logger)
        // Built last of what can throw: its drivers own HTTP clients that must be shut down on every exit.
        let router = try await ChannelFactory.router(for: loaded)
        let fanoutSignal = WorkSignal()
        let dispatchSignal = WorkSignal()

        let ops = OpsWiring(store: store, router: router, logger: logger)
        let webhooks = try await WebhookWiring.wire(
            loaded: loaded, store: store, owner: settings.workerId, metricsFactory: ops.factory, logger: logger)
        var deps = APIDependencies(
            store: store, templates: store, fanoutSignal: fanoutSignal, smsMaxSegments: smsMaxSegments,
            unsubscribeSecret: secret, inbound: inbound,
            readiness: ChannelReadiness.adding(router, to: StoreReadiness.check(store)), metrics: { ops.renderMetrics() })
        deps.ops = ops.httpDependencies
        deps.inlineFanout = FanoutPlanner(policy: policy).inline(
            maxAudience: settings.inlineFanoutMax, expressPriority: settings.expressPriority)
        deps.dispatchSignal = dispatchSignal
        let express = ExpressTraffic(divisor: StoreFactory.writesOneAtATime(store) ? 4 : 1)
        deps.expressTraffic = express
        let contents = ContentCache()
        deps.contents = contents
        deps.publicBaseURL = loaded.publicURL
        deps.topics = topics
        deps.preferenceKeys = preferenceKeys
        deps.erasure = try RightsSettings.erasure(loaded)
        (store as? any ContactErasureStore)?.erasedAddresses.enable(deps.erasure)
        deps.checkpointKey = checkpoints.publicKey
        deps.webhooks = webhooks.api
        let api = HeraldAPI(deps: deps)
        let app = Application(
            router: api.router(),
            server: try HTTPServerBuilder.herald(tls: certificates),
            configuration: .init(address: .hostname(loaded.host, port: loaded.port), serverName: "herald"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        let dispatch = DispatchService(
            store: store, policy: policy, router: router, settings: settings, signal: dispatchSignal, logger: logger,
            observability: ops.observability, contents: contents, express: express)
        let fanout = FanoutService(
            store: store, policy: policy, settings: settings, signal: fanoutSignal, dispatchSignal: dispatchSignal,
            logger: logger, observability: ops.observability, express: express)
        var monitor: [ServiceGroupConfiguration.ServiceConfiguration] = ops.monitor.map { [.init(service: $0)] } ?? []
        // Before dispatch in the list, so it stops after dispatch has drained: the last outcomes' events go out.
        if let service = webhooks.service { monitor.append(.init(service: service)) }
        let retention = try RetentionWiring.services(store: store, loaded: loaded, logger: logger)
        let tlsReload = await TLSReloadService.trapping(certificates, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                // The checkpoint signer first, so it stops last and signs what everything else appended.
                services: ServiceNaming.byType(
                    checkpoints.services + monitor + retention
                        + [.init(service: tlsReload), .init(service: dispatch), .init(service: fanout), .init(service: app)]),
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            for instance in router.instances { await instance.driver.shutdown() }
            try? await store.close()
            throw error
        }
        for instance in router.instances { await instance.driver.shutdown() }
        try await store.close()
    }

    /// Names this node's leases across restarts (`engine.node_id`, else an id kept in the data folder), so
    /// a restarted node takes its own leased work back at once. Every running node needs its own.
    private func nodeId() throws -> String {
        if let configured = loaded.config.engine?.nodeId, !configured.isEmpty { return configured }
        let generated = try Secrets.generatedSecret(named: "node.id", in: loaded.dataDirectory)
        return "node-" + String(decoding: generated.prefix(12), as: UTF8.self)
    }

    private func unsubscribeSecret() throws -> [UInt8] {
        var options: [String: String] = [:]
        options["unsubscribe_secret_env"] = loaded.config.auth?.unsubscribeSecretEnv
        options["unsubscribe_secret_file"] = loaded.config.auth?.unsubscribeSecretFile
        if let secret = try Secrets.optional("unsubscribe_secret", in: options, field: "auth.unsubscribe_secret") {
            return Array(secret.utf8)
        }
        return try Secrets.generatedSecret(named: "unsubscribe.secret", in: loaded.dataDirectory)
    }
}

/// The `defaults:` and `policy:` sections, decoded from the same YAML the rest of the config came from.
public enum PolicySettings {
    private struct Sections: Decodable {
        var defaults: DefaultsSection?
        var policy: PolicySection?
    }

    public static func rules(_ loaded: LoadedConfig) throws -> PolicyRules {
        // No config at all is the strict default, exactly like a config without `policy:`.
        guard !loaded.yaml.isEmpty else { return PolicyRules(defaults: DefaultsSection(), policy: PolicySection()) }
        do {
            let sections = try YAMLDecoder().decode(Sections.self, from: loaded.yaml)
            return PolicyRules(defaults: sections.defaults ?? DefaultsSection(), policy: sections.policy ?? PolicySection())
        } catch {
            throw HeraldError(code: "config_invalid", message: "policy or defaults: \(ConfigErrors.describe(error))")
        }
    }

    public static func smsMaxSegments(_ loaded: LoadedConfig) throws -> Int {
        try rules(loaded).smsMaxSegments
    }
}

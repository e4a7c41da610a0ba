import Foundation
import HeraldChannels
import HeraldCore
import HeraldEngine

/// Builds channel instances from the `channels:` config; with none configured, a `log` instance per kind.
public enum ChannelFactory {
    public static func router(for loaded: LoadedConfig) throws -> ChannelRouter {
        let configs = loaded.config.channels ?? defaultChannels()
        var seen: Set<String> = []
        var routes: [ChannelRouter.Route] = []
        for config in configs {
            guard seen.insert(config.id).inserted else {
                throw HeraldError(code: "config_invalid", message: "channel id \(config.id) is used twice", field: "channels")
            }
            let driver = try makeDriver(config, loaded: loaded)
            let instance = InstanceGuard(
                driver: driver, ratePerSecond: config.rate, concurrency: config.concurrency ?? 64)
            routes.append(ChannelRouter.Route(instance: instance, prefixes: config.routes ?? []))
        }
        return ChannelRouter(routes)
    }

    static func defaultChannels() -> [ChannelConfig] {
        ChannelKind.allCases.map { ChannelConfig(id: "log-\($0.rawValue)", kind: $0, driver: "log") }
    }

    static func makeDriver(_ config: ChannelConfig, loaded: LoadedConfig) throws -> any ChannelDriver {
        switch config.driver {
        case "log":
            let path = config.options?["path"]
                ?? loaded.dataDirectory.appendingPathComponent("outbox-\(config.kind.rawValue).ndjson").path
            return try LogDriver(id: config.id, kind: config.kind, path: path)
        default:
            throw HeraldError(
                code: "config_invalid", message: "channel \(config.id): unknown driver \(config.driver)",
                field: "channels")
        }
    }
}

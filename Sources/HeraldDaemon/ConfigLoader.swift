import Foundation
import HeraldCore
import Yams

/// Reads the config file (if any), then applies `HERALD_*` environment overrides.
public struct LoadedConfig: Sendable {
    public var config: HeraldConfig
    /// The raw YAML, kept so sections owned by other modules (policy) decode from the same text.
    public var yaml: String
    public var host: String
    public var port: Int
    public var storage: String
    public var dataDirectory: URL

    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> LoadedConfig
    {
        var yaml = ""
        var config = HeraldConfig()
        if let path {
            do {
                yaml = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw HeraldError(code: "config_unreadable", message: "cannot read config file \(path)")
            }
            try ConfigSchema.check(yaml)
            do {
                config = try YAMLDecoder().decode(HeraldConfig.self, from: yaml)
            } catch {
                throw HeraldError(code: "config_invalid", message: "config file \(path): \(ConfigErrors.describe(error))")
            }
        }
        if let listen = environment["HERALD_LISTEN"] { config.listen = listen }
        if let storage = environment["HERALD_STORAGE"] { config.storage = storage }
        if let level = environment["HERALD_LOG_LEVEL"] { config.logLevel = level }
        if let url = environment["HERALD_PUBLIC_URL"] { config.publicUrl = url }
        if let dir = environment["HERALD_DATA_DIR"] { config.dataDir = dir }
        try applyTLSEnvironment(environment, to: &config)

        let dataDirectory = URL(fileURLWithPath: config.dataDir ?? "herald-data", isDirectory: true)
        let (host, port) = try parseListen(config.listen ?? "127.0.0.1:8025")
        let storage = config.storage ?? "sqlite:" + dataDirectory.appendingPathComponent("herald.sqlite").path
        return LoadedConfig(config: config, yaml: yaml, host: host, port: port, storage: storage, dataDirectory: dataDirectory)
    }

    public static func parseListen(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw HeraldError(code: "config_invalid", message: "listen must be HOST:PORT, got \(text)", field: "listen")
        }
        return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    public var publicURL: String { config.publicUrl ?? "\(scheme)://\(host):\(port)" }
    public var scheme: String { config.tls == nil ? "http" : "https" }
}

enum ConfigErrors {
    static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            return DecodingErrors.heraldError(decoding).description
        }
        return "not valid YAML"
    }
}

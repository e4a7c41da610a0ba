import ArgumentParser
import Foundation
import HeraldDaemon

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon: HTTP API, fan-out and dispatch.")

    @OptionGroup var options: ConfigOption
    @Option(help: "Address to listen on, HOST:PORT (overrides the config's listen).")
    var listen: String?

    func run() async throws {
        var loaded = try options.load()
        if let listen {
            (loaded.host, loaded.port) = try LoadedConfig.parseListen(listen)
        }
        let logger = LogSetup.bootstrap(level: loaded.config.logLevel)
        let origin = "herald listening on \(loaded.scheme)://\(loaded.host)"
        let storage = "(storage \(StorageLabel.describe(loaded.storage)))"
        let keyFile = loaded.dataDirectory.appendingPathComponent("admin.key").path
        try await Daemon(loaded: loaded, logger: logger).run { port in
            print("\(origin):\(port) \(storage)")
            print("admin API key: \(keyFile) (created on first start; `herald keys create --role R` makes more)")
        }
    }
}

enum StorageLabel {
    /// Never prints a password from a postgres URL.
    static func describe(_ storage: String) -> String {
        guard let url = URL(string: storage), url.scheme?.hasPrefix("postgres") == true else { return storage }
        return "\(url.scheme ?? "postgres")://\(url.host ?? "")/\(url.path.dropFirst())"
    }
}

import ArgumentParser
import Foundation
import HeraldDaemon
import HeraldStoreSQLite

@main
struct Herald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "A multichannel messaging gateway that is strict about consent.",
        subcommands: [
            Serve.self, Migrate.self, Keys.self, Contacts.self, Templates.self, Enqueue.self, Audit.self, Channels.self,
            Deliveries.self, Suppressions.self, Consents.self, Webhooks.self,
        ])

    /// ArgumentParser's entry point, after SQLite's process-wide settings: they must come before any thread
    /// opens a database.
    static func main() async {
        SQLiteProcessSettings.apply()
        await main(nil)
    }
}

/// `--config FILE`, shared by every subcommand; without it the embedded default in ./herald-data/ is used.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: embedded, data in ./herald-data/).")
    var config: String?

    func load() throws -> LoadedConfig {
        try LoadedConfig.load(path: config)
    }
}

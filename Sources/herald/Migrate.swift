import ArgumentParser
import HeraldCore
import HeraldDaemon

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let loaded = try options.load()
        let store = try await StoreFactory.open(loaded.storage)
        try await store.close()
        print("schema is up to date (\(StorageLabel.describe(loaded.storage)))")
    }
}

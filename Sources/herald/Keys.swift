import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage API keys.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; it is printed once, only its hash is stored.")

        @OptionGroup var options: ConfigOption
        @Option(help: "enqueue, ops, compliance or admin.")
        var role: String
        @Option(help: "A note to recognise the key by.")
        var label: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of: enqueue, ops, compliance, admin")
            }
            try Identifier.checkKeyLabel(label)
            let loaded = try options.load()
            let store = try await StoreFactory.open(loaded.storage)
            let key = APIKey.generate()
            try await store.insertAPIKey(hash: APIKey.hash(key), role: role, label: label, at: Date())
            try await store.close()
            print(key)
        }
    }
}

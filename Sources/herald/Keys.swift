import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API keys.", subcommands: [Create.self, List.self, Revoke.self])

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

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: id, role, created, label (never the secret).")

        @OptionGroup var options: ConfigOption

        func run() async throws {
            let store = try await StoreFactory.open(try options.load().storage)
            guard let keys = store as? any APIKeyManaging else { throw ValidationError("this store cannot list keys") }
            let listed: [APIKeyInfo]
            do {
                listed = try await keys.apiKeys()
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            let formatter = ISO8601DateFormatter()
            print("id            role        created               label")
            for key in listed {
                let role = key.role.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                print("\(key.id)  \(role) \(formatter.string(from: key.createdAt))  \(key.label ?? "")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key by the id `keys list` shows; running daemons stop accepting it within seconds.")

        @OptionGroup var options: ConfigOption
        @Argument(help: "The 12-character key id.")
        var id: String

        func run() async throws {
            try APIKey.checkId(id)
            let store = try await StoreFactory.open(try options.load().storage)
            guard let keys = store as? any APIKeyManaging else { throw ValidationError("this store cannot revoke keys") }
            let revoked = try await keys.revokeAPIKey(id: id)
            try await store.close()
            guard revoked else { throw HeraldError(code: "not_found", message: "no key with id \(id)", statusCode: 404) }
            print("revoked \(id)")
        }
    }
}

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
        @Option(help: "Stop accepting the key after this long, e.g. 30d, 12h, 1w (default: never).")
        var expires: String?
        @Option(help: "Stop accepting the key at this RFC 3339 time (instead of --expires).")
        var expiresAt: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("--role must be one of: enqueue, ops, compliance, admin")
            }
            try Identifier.checkKeyLabel(label)
            let now = Date()
            let expiry = try KeyExpiry.parse(expires: expires, expiresAt: expiresAt, now: now)
            let loaded = try options.load()
            let store = try await StoreFactory.open(loaded.storage)
            let key = APIKey.generate()
            do {
                if let lifecycle = store as? any APIKeyLifecycleStore {
                    try await lifecycle.insertAPIKey(hash: APIKey.hash(key), role: role, label: label, at: now, expiresAt: expiry)
                } else if expiry == nil {
                    try await store.insertAPIKey(hash: APIKey.hash(key), role: role, label: label, at: now)
                } else {
                    throw ValidationError("this store cannot keep a key's expiry")
                }
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            print(key)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: id, role, created, last used, expiry, label (never the secret).")

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
            print(KeyTable.render(listed, now: Date()))
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

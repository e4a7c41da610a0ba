import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

struct Webhooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Status webhook endpoints in the store.", subcommands: [Forget.self])

    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the cursor and retry list of an endpoint taken out of `webhooks:`.",
            discussion: """
                Until then its cursor holds back pruning of the event log (retention.webhook_events). \
                Refused while the endpoint is still in this configuration; run it once every node runs \
                a configuration without the endpoint.
                """)

        @OptionGroup var options: ConfigOption
        @Argument(help: "The endpoint's id.") var id: String

        func run() async throws {
            let loaded = try options.load()
            if (loaded.config.webhooks ?? []).contains(where: { $0.id == id }) {
                throw ValidationError("\(id) is still configured under webhooks: remove it there first")
            }
            let store = try await StoreFactory.open(loaded.storage)
            guard let outbox = store as? any WebhookOutboxStore else {
                try await store.close()
                throw ValidationError("this storage keeps no webhook outbox")
            }
            let forgotten = try await outbox.forgetWebhookEndpoint(id)
            try await store.close()
            print(forgotten ? "forgot webhook endpoint \(id)" : "no webhook endpoint \(id) in the store")
        }
    }
}

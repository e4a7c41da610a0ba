import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

extension Contacts {
    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase everything personal held about one contact; the consent ledger still verifies.",
            discussion: """
                Prints the tombstone id the erased history carries from now on (keep it with the request's \
                paperwork: it is the only link left). Exits 1 when nothing is held about the contact.
                """)

        @OptionGroup var options: ConfigOption
        @Argument(help: "The contact id to erase.") var id: String

        func run() async throws {
            let loaded = try options.load()
            let settings = try RightsSettings.erasure(loaded)
            let store = try await StoreFactory.open(loaded.storage)
            let actor = "cli"
            let erasure: ContactErasure?
            do {
                erasure = try await ContactEraser.erase(id, store: store, settings: settings, actor: actor, at: Date())
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            guard let erasure else {
                print("nothing is held about that contact")
                throw ExitCode(1)
            }
            print(
                """
                erased: tombstone \(erasure.tombstone), ledger event \(erasure.ledgerEventId), \
                \(erasure.ledgerEventsErased) ledger events and \(erasure.deliveriesScrubbed) deliveries scrubbed, \
                \(erasure.deliveriesCancelled) unsent deliveries cancelled, \(erasure.addressesBlocked) addresses kept blocked
                """)
        }
    }
}

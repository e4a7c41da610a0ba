import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

struct Suppressions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the address suppression list (every change is recorded with who and why).",
        subcommands: [List.self, Add.self, Remove.self, Import.self])

    /// Who a change is recorded as: `cli`, or `cli:<name>` with `--actor`.
    struct ActorOption: ParsableArguments {
        @Option(help: "Your name for the change history (recorded as cli:NAME).") var actor: String?

        var recorded: String { actor.map { "cli:\($0)" } ?? "cli" }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print suppressions as NDJSON, ordered by address.")

        @OptionGroup var options: ConfigOption
        @Option(help: "Only this address.") var address: String?
        @Option(help: "Only this reason, e.g. hard_bounce.") var reason: String?
        @Option(help: "At most this many (0: all).") var limit: Int = 0

        func run() async throws {
            var query = SuppressionQuery(limit: 1000)
            query.address = try address.map { try SuppressionAddress.normalize($0) }
            if let reason { try SuppressionAddress.validateReason(reason) }
            query.reason = reason
            let store = try await SuppressionCLI.open(options)
            let encoder = HeraldJSON.encoder()
            var printed = 0
            while limit == 0 || printed < limit {
                let page = try await store.suppressions(query)
                for suppression in page.prefix(limit == 0 ? page.count : limit - printed) {
                    print(String(decoding: try encoder.encode(suppression), as: UTF8.self))
                    printed += 1
                }
                guard page.count == query.limit, let last = page.last else { break }
                query.afterAddress = last.address
            }
            try await store.close()
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suppress one address.")

        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "E-mail, E.164 phone, or fcm:/apns:/telegram:/whatsapp: address.") var address: String
        @Option(help: "Why, e.g. manual, hard_bounce, complaint.") var reason: String = "manual"
        @Option(help: "A note for the history.") var note: String?

        func run() async throws {
            try SuppressionAddress.validateReason(reason)
            let entry = SuppressionEntry(address: try SuppressionAddress.normalize(address), reason: reason, note: note)
            let store = try await SuppressionCLI.open(options)
            let added = try await store.addSuppressions([entry], actor: who.recorded, at: Date())
            try await store.close()
            print(added.first == true ? "suppressed \(Redaction.mask(entry.address))" : "updated \(Redaction.mask(entry.address))")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift the suppression of one address.")

        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "The address as listed.") var address: String
        @Option(help: "Why it is lifted, for the history.") var note: String?

        func run() async throws {
            let normalized = try SuppressionAddress.normalize(address)
            let store = try await SuppressionCLI.open(options)
            let removed = try await store.removeSuppression(address: normalized, note: note, actor: who.recorded, at: Date())
            try await store.close()
            guard removed else {
                print("not suppressed: \(Redaction.mask(normalized))")
                throw ExitCode(1)
            }
            print("removed \(Redaction.mask(normalized))")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suppress every address in FILE (one per line, or NDJSON {address, reason?, note?}), all or nothing.")

        @OptionGroup var options: ConfigOption
        @OptionGroup var who: ActorOption
        @Argument(help: "The file to import.") var file: String
        @Option(help: "Reason for lines that name none.") var reason: String = "manual"
        @Option(help: "Note for lines that carry none.") var note: String?

        func run() async throws {
            let entries = try SuppressionImport.parse(try FileReading.read(file), defaultReason: reason, defaultNote: note)
            let store = try await SuppressionCLI.open(options)
            let added = try await store.addSuppressions(entries, actor: who.recorded, at: Date())
            try await store.close()
            let new = added.filter { $0 }.count
            print("imported \(entries.count) lines: \(new) new, \(entries.count - new) updated")
        }
    }
}

enum SuppressionCLI {
    static func open(_ options: ConfigOption) async throws -> any SuppressionStore & Store {
        let store = try await StoreFactory.open(try options.load().storage)
        guard let suppressions = store as? any SuppressionStore & Store else {
            try await store.close()
            throw ValidationError("this storage keeps no suppression list")
        }
        return suppressions
    }
}

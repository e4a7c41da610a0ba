import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

struct Contacts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage contacts.", subcommands: [Import.self, Erase.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upsert contacts from a JSON array or NDJSON file, all or nothing.")

        @OptionGroup var options: ConfigOption
        @Argument(help: "JSON array or NDJSON file of contacts.")
        var file: String

        func run() async throws {
            let data = try FileReading.read(file)
            let contacts = try ContactBatch.decode(data)
            let loaded = try options.load()
            let store = try await StoreFactory.open(loaded.storage)
            var progress = ProgressBar(total: contacts.count, label: "contacts")
            for start in stride(from: 0, to: contacts.count, by: 5000) {
                let chunk = Array(contacts[start..<min(start + 5000, contacts.count)])
                try await store.upsertContacts(chunk, at: Date())
                progress.update(start + chunk.count)
            }
            progress.finish()
            try await store.close()
            print("imported \(contacts.count) contacts")
        }
    }
}

enum FileReading {
    static func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        return data
    }
}

import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

struct Templates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage stored templates.", subcommands: [Push.self])

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save templates kept in files (JSON or YAML) as new versions; unchanged ones are left alone.")

        @OptionGroup var options: ConfigOption
        @Argument(help: "A template file, or a directory of them (*.json, *.yaml, *.yml).")
        var path: String
        @Option(help: "Author of the new versions, unless a file names one (default: $USER).")
        var author: String?
        @Option(help: "Note for the new versions, unless a file has one (e.g. the git commit).")
        var note: String?

        func run() async throws {
            let loaded = try options.load()
            let author = author ?? ProcessInfo.processInfo.environment["USER"] ?? "cli"
            let files = try TemplateFiles.load(
                path, author: author, note: note, smsMaxSegments: try PolicySettings.smsMaxSegments(loaded))
            let store = try await StoreFactory.open(loaded.storage)
            do {
                for file in files {
                    if let latest = try await store.templateVersion(id: file.id, version: nil),
                        latest.content == file.draft.content
                    {
                        print("\(file.id): unchanged (version \(latest.version))")
                        continue
                    }
                    let saved = try await store.saveTemplate(
                        id: file.id, content: file.draft.content, author: file.draft.author, note: file.draft.note,
                        at: Date())
                    print("\(file.id): saved version \(saved.version)")
                }
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }
}

import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

struct Consents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage the consent ledger.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append consent history from an NDJSON file to the ledger in file order, all or nothing.")

        @OptionGroup var options: ConfigOption
        @Argument(help: "NDJSON, one POST /v1/consents body per line, each with its original occurred_at.")
        var file: String
        @Option(help: "Actor for lines that name none.") var actor: String = "import"

        func run() async throws {
            let inputs = try ConsentBatch.decode(try FileReading.read(file), now: Date(), defaultActor: actor)
            let store = try await StoreFactory.open(try options.load().storage)
            guard let importer = store as? any ConsentImportStore else {
                try await store.close()
                throw ValidationError("this storage cannot import consents")
            }
            let bar = SharedProgressBar(ProgressBar(total: inputs.count, label: "events"))
            let result: ConsentImportResult
            do {
                result = try await importer.importConsents(inputs, at: Date()) { done in
                    bar.update(done)
                }
            } catch {
                try? await store.close()
                throw error
            }
            bar.finish()
            try await store.close()
            print("imported \(result.imported) events (ids \(result.firstId ?? 0)–\(result.lastId ?? 0)), head \(result.headHash)")
        }
    }
}

/// A progress bar the store may update from inside its transaction, on whatever thread that runs.
final class SharedProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var bar: ProgressBar

    init(_ bar: ProgressBar) { self.bar = bar }

    func update(_ done: Int) { lock.withLock { bar.update(done) } }

    func finish() { lock.withLock { bar.finish() } }
}

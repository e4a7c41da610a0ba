import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon
import HeraldHTTP

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export and verify the consent ledger.", subcommands: [Export.self, Verify.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stream ledger events as NDJSON or CSV to stdout.")

        @OptionGroup var options: ConfigOption
        @Option(help: "ndjson or csv.") var format: String = "ndjson"
        @Option(help: "Only events recorded at or after this RFC 3339 time.") var since: String?
        @Option(help: "Only events recorded before this RFC 3339 time.") var until: String?

        func run() async throws {
            guard let format = ConsentExport.Format(rawValue: format) else {
                throw ValidationError("--format must be ndjson or csv")
            }
            var query = ConsentExportQuery(limit: 1000)
            if let since {
                guard let date = Timestamp.parse(since) else { throw ValidationError("--since is not an RFC 3339 time") }
                query.since = date
            }
            if let until {
                guard let date = Timestamp.parse(until) else { throw ValidationError("--until is not an RFC 3339 time") }
                query.until = date
            }
            let store = try await StoreFactory.open(try options.load().storage)
            if format == .csv { print(ConsentExport.csvHeader, terminator: "") }
            while true {
                let events = try await store.consentEvents(query)
                guard let last = events.last else { break }
                for event in events { print(try ConsentExport.line(event, format: format), terminator: "") }
                query.afterId = last.id
            }
            try await store.close()
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the ledger's hash chain; exits 1 and names the first broken event if it is broken.")

        @OptionGroup var options: ConfigOption

        func run() async throws {
            let store = try await StoreFactory.open(try options.load().storage)
            let result = try await ConsentExport.verify(store)
            try await store.close()
            switch result {
            case .ok(let events, let head):
                print("ok: \(events) events, head \(head)")
            case .broken(let id, let index, let problem):
                print("BROKEN at event \(id) (position \(index)): \(problem)")
                throw ExitCode(1)
            }
        }
    }
}

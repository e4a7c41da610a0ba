import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon
import HeraldHTTP

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export and verify the consent ledger and its signed checkpoints.",
        subcommands: [Export.self, Verify.self, Checkpoints.self, PublicKey.self])

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
            abstract: "Recompute the ledger's hash chain and check it reaches every signed checkpoint; exits 1 and names the first broken event, a cut tail or a rewrite.")

        @OptionGroup var options: ConfigOption
        @Option(help: "NDJSON checkpoints kept elsewhere (a witness file, `audit checkpoints` output), checked besides the stored ones.")
        var checkpoints: String?
        @Option(help: "Also trust checkpoints signed by this base64 Ed25519 public key (repeatable).")
        var publicKey: [String] = []

        func run() async throws {
            var given: [LedgerCheckpoint] = []
            if let checkpoints {
                guard let text = try? String(contentsOfFile: checkpoints, encoding: .utf8) else {
                    throw ValidationError("cannot read --checkpoints \(checkpoints)")
                }
                given = try LedgerAudit.parseCheckpoints(ndjson: text)
            }
            let loaded = try options.load()
            var trusted = try publicKey.map { try CheckpointPublicKey(base64: $0) }
            if let own = try CheckpointSettings(loaded).existingPublicKey() { trusted.append(own) }
            let store = try await StoreFactory.open(loaded.storage)
            let verification: LedgerVerification
            do {
                var stored: [LedgerCheckpoint] = []
                if let checkpoints = store as? any CheckpointStore { stored = try await LedgerAudit.storedCheckpoints(checkpoints) }
                verification = try await LedgerAudit.verify(store, stored: stored, given: given, trusted: trusted)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            switch verification.chain {
            case .ok(let events, let head):
                for problem in verification.checkpointProblems { print("BROKEN: \(problem)") }
                guard verification.ok else { throw ExitCode(1) }
                print("ok: \(events) events, head \(head); \(verification.checkpointsMet) checkpoints reached")
                if let note = verification.skippedNote { print("note: \(note)") }
            case .broken(let id, let index, let problem):
                print("BROKEN at event \(id) (position \(index)): \(problem)")
                throw ExitCode(1)
            }
        }
    }

    struct Checkpoints: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the stored checkpoints as NDJSON, oldest first: what `verify --checkpoints` reads.")

        @OptionGroup var options: ConfigOption

        func run() async throws {
            let store = try await StoreFactory.open(try options.load().storage)
            guard let checkpoints = store as? any CheckpointStore else {
                try? await store.close()
                throw ValidationError("this store keeps no checkpoints")
            }
            var afterId: Int64 = 0
            do {
                while true {
                    let page = try await checkpoints.checkpoints(afterId: afterId, limit: 1000)
                    guard let last = page.last else { break }
                    for checkpoint in page { print(try LedgerAudit.witnessLine(checkpoint), terminator: "") }
                    afterId = last.id
                }
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key",
            abstract: "Print the base64 Ed25519 public key that checks this node's checkpoints (creating the key pair if none exists yet).")

        @OptionGroup var options: ConfigOption

        func run() async throws {
            let key = try CheckpointSettings(try options.load()).signingKey()
            print(key.publicKey.encoded)
        }
    }
}

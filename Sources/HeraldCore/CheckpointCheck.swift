import Foundation

/// Holds a chain walk against a set of checkpoints: each trusted checkpoint must be met on the way (the
/// chain's hash after its `events`-th event is the head it signed), and the chain must reach the furthest
/// one. Pure: the walk feeds it, it never reads a store.
public struct CheckpointCheck: Sendable {
    /// Checkpoints still to be met, furthest last.
    private var pending: [LedgerCheckpoint]
    public private(set) var problems: [String] = []
    public private(set) var met = 0
    /// Key ids of stored checkpoints left unchecked because no trusted key signed them.
    public private(set) var skippedKeys: [String: Int] = [:]

    /// `stored` are the store's own checkpoints: one signed by a key not trusted here (another node's own
    /// key) is left unchecked and counted, since leaving a checkpoint out can only hide a failure, never
    /// invent one. `given` come from elsewhere (a witness): each must be signed by a trusted key.
    public init(stored: [LedgerCheckpoint] = [], given: [LedgerCheckpoint] = [], trusted: [CheckpointPublicKey]) {
        var usable: [LedgerCheckpoint] = []
        for (checkpoint, isStored) in stored.map({ ($0, true) }) + given.map({ ($0, false) }) {
            guard let key = trusted.first(where: { $0.id == checkpoint.keyId }) else {
                if isStored {
                    skippedKeys[checkpoint.keyId, default: 0] += 1
                } else {
                    problems.append(
                        "checkpoint signed at \(Self.time(checkpoint)) names key \(checkpoint.keyId), which is not a trusted key")
                }
                continue
            }
            guard key.isValidSignature(of: checkpoint) else {
                problems.append(
                    "checkpoint signed at \(Self.time(checkpoint)) (\(checkpoint.events) events) does not carry a valid signature: it was altered or forged")
                continue
            }
            usable.append(checkpoint)
        }
        pending = usable.sorted { ($0.events, $0.signedAt) > ($1.events, $1.signedAt) }
        observe(events: 0, head: ConsentChain.genesis)
    }

    /// Called after each event the walk accepted: `events` so far and the hash of the last one.
    public mutating func observe(events: Int, head: String) {
        while let next = pending.last, next.events <= events {
            pending.removeLast()
            if next.events < events { continue }  // only when the walk skipped ahead, which it never does
            if next.headHash == head {
                met += 1
            } else {
                problems.append(
                    "checkpoint signed at \(Self.time(next)) covers \(next.events) events ending in hash \(next.headHash.prefix(16))…, "
                        + "but the chain's event \(events) has hash \(head.prefix(16))…: the ledger was rewritten after that point")
            }
        }
    }

    /// After a walk that reached the end of an unbroken chain of `events` events: a checkpoint still pending
    /// covers more than the chain holds, so its tail was cut. Named by the furthest such checkpoint.
    public mutating func finish(events: Int) {
        guard let furthest = pending.first else { return }
        problems.append(
            "chain ends at event \(events) but checkpoint signed at \(Self.time(furthest)) covers \(furthest.events) events "
                + "(up to event id \(furthest.headEventId)): the tail was cut")
        pending.removeAll()
    }

    static func time(_ checkpoint: LedgerCheckpoint) -> String { Timestamp.formatMilliseconds(checkpoint.signedAt) }
}

/// The outcome of `audit verify`: the chain's own verification and what the checkpoints said of it.
public struct LedgerVerification: Sendable, Equatable {
    public var chain: ConsentChain.Verification
    /// Checkpoints the chain was found to reach with the signed head.
    public var checkpointsMet: Int
    /// Each failed checkpoint, named in words: a cut tail, a rewrite, a bad signature.
    public var checkpointProblems: [String]
    /// Stored checkpoints not checked, by the id of the key that signed them (no trusted key matches).
    public var skippedKeys: [String: Int]

    public init(
        chain: ConsentChain.Verification, checkpointsMet: Int = 0, checkpointProblems: [String] = [],
        skippedKeys: [String: Int] = [:]
    ) {
        self.chain = chain
        self.checkpointsMet = checkpointsMet
        self.checkpointProblems = checkpointProblems
        self.skippedKeys = skippedKeys
    }

    /// Says which stored checkpoints went unchecked and how to check them; nil when none did.
    public var skippedNote: String? {
        guard !skippedKeys.isEmpty else { return nil }
        let keys = skippedKeys.keys.sorted().map { "\($0) (\(skippedKeys[$0] ?? 0))" }.joined(separator: ", ")
        return "stored checkpoints signed by keys not trusted here were not checked: \(keys); "
            + "give every node the same audit.checkpoints signing key, or pass each node's key with --public-key"
    }

    public var ok: Bool {
        guard case .ok = chain else { return false }
        return checkpointProblems.isEmpty
    }
}

/// One home for ledger verification, used by the HTTP API and the CLI.
public enum LedgerAudit {
    /// Recomputes the whole chain a page at a time, checking it against `checkpoints` on the way.
    /// `stored` and `given` as `CheckpointCheck` takes them.
    public static func verify(
        _ store: any Store, stored: [LedgerCheckpoint] = [], given: [LedgerCheckpoint] = [],
        trusted: [CheckpointPublicKey] = []
    ) async throws -> LedgerVerification {
        var verifier = ConsentChain.Verifier()
        var check = CheckpointCheck(stored: stored, given: given, trusted: trusted)
        var query = ConsentExportQuery(limit: 2000)
        walk: while true {
            let events = try await store.consentEvents(query)
            guard let last = events.last else { break }
            for event in events {
                verifier.feed(event)
                // `failure`, not `result`: erased events wait for their later erasure event, which `result`
                // would already call missing mid-walk.
                if verifier.failure != nil { break walk }
                check.observe(events: verifier.count, head: verifier.head)
            }
            query.afterId = last.id
        }
        // A broken chain is reported as such; checkpoints past the break cannot be judged.
        if case .ok(let events, _) = verifier.result { check.finish(events: events) }
        return LedgerVerification(
            chain: verifier.result, checkpointsMet: check.met, checkpointProblems: check.problems,
            skippedKeys: check.skippedKeys)
    }

    /// Every checkpoint the store keeps, oldest first.
    public static func storedCheckpoints(_ store: any CheckpointStore) async throws -> [LedgerCheckpoint] {
        var all: [LedgerCheckpoint] = []
        while true {
            let page = try await store.checkpoints(afterId: all.last?.id ?? 0, limit: 1000)
            all += page
            guard page.count == 1000 else { return all }
        }
    }

    /// Checkpoints kept elsewhere, one JSON object a line (the witness file, `herald audit checkpoints`).
    public static func parseCheckpoints(ndjson text: String) throws(HeraldError) -> [LedgerCheckpoint] {
        var checkpoints: [LedgerCheckpoint] = []
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let checkpoint = try? HeraldJSON.decoder().decode(LedgerCheckpoint.self, from: Data(line.utf8)) else {
                throw .invalid("checkpoints", "line \(index + 1) is not a checkpoint")
            }
            checkpoints.append(checkpoint)
        }
        return checkpoints
    }

    /// One witness line: the checkpoint as one line of JSON, the form `parseCheckpoints` reads back.
    public static func witnessLine(_ checkpoint: LedgerCheckpoint) throws -> String {
        String(decoding: try HeraldJSON.encoder().encode(checkpoint), as: UTF8.self) + "\n"
    }
}

import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// Signs the consent chain's head every `interval` while it moves, and once more at shutdown (it is the
/// first service of the group, so it stops last, after everything that appends to the ledger). Each new
/// checkpoint is stored and handed to the witnesses: a structured log line and, if configured, an
/// append-only NDJSON file, both meant to be kept somewhere the database's owner cannot rewrite.
public struct LedgerCheckpointService: Service {
    let store: any CheckpointStore
    let key: CheckpointKey
    let interval: TimeInterval
    let witnessFile: URL?
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        store: any CheckpointStore, key: CheckpointKey, interval: TimeInterval = 60, witnessFile: URL? = nil,
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger
    ) {
        self.store = store
        self.key = key
        self.interval = interval
        self.witnessFile = witnessFile
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            await checkpointLogged()
        }
    }

    /// Signs and keeps the head if it moved since the newest checkpoint (from any node); nil when it did
    /// not, or the ledger is empty.
    @discardableResult
    public func checkpoint() async throws -> LedgerCheckpoint? {
        guard let head = try await store.ledgerHead() else { return nil }
        if let latest = try await store.latestCheckpoint(), latest.head == head { return nil }
        let stored = try await store.appendCheckpoint(try key.sign(head, at: now()))
        witness(stored)
        return stored
    }

    private func checkpointLogged() async {
        do {
            try await checkpoint()
        } catch {
            logger.error("ledger checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    private func witness(_ checkpoint: LedgerCheckpoint) {
        logger.notice(
            "ledger checkpoint",
            metadata: [
                "checkpoint.events": "\(checkpoint.events)", "checkpoint.head_event_id": "\(checkpoint.headEventId)",
                "checkpoint.head_hash": "\(checkpoint.headHash)", "checkpoint.signed_at": "\(Timestamp.formatMilliseconds(checkpoint.signedAt))",
                "checkpoint.key_id": "\(checkpoint.keyId)", "checkpoint.signature": "\(checkpoint.signature)",
            ])
        guard let witnessFile else { return }
        do {
            try PrivateFiles.append(try LedgerAudit.witnessLine(checkpoint), to: witnessFile)
        } catch {
            logger.error("ledger checkpoint not written to the witness file", metadata: ["error": "\(error)"])
        }
    }
}

import Foundation

/// Signed checkpoints of the consent chain's head. A protocol of its own so `Store` stays as it is; both
/// backends conform.
public protocol CheckpointStore: Sendable {
    /// The chain's head as stored now (count, last id and hash, read in one snapshot); nil while empty.
    func ledgerHead() async throws -> LedgerHead?
    /// Keeps a checkpoint; returns it with the id the store gave it.
    func appendCheckpoint(_ checkpoint: LedgerCheckpoint) async throws -> LedgerCheckpoint
    /// One page, oldest first, of checkpoints with an id above `afterId`.
    func checkpoints(afterId: Int64, limit: Int) async throws -> [LedgerCheckpoint]
    /// The newest checkpoint, if any.
    func latestCheckpoint() async throws -> LedgerCheckpoint?
}

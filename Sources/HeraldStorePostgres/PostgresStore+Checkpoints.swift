import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: CheckpointStore {
    /// One statement, so the count and the head come from one snapshot.
    public func ledgerHead() async throws -> LedgerHead? {
        let found = try await rows(
            """
            SELECT (SELECT count(*) FROM consent_events) AS events, id, hash
            FROM consent_events ORDER BY id DESC LIMIT 1
            """)
        guard let row = found.first?.makeRandomAccess() else { return nil }
        return LedgerHead(
            events: try row.get("events", as: Int.self), headEventId: try row.get("id", as: Int64.self),
            headHash: try row.get("hash", as: String.self))
    }

    public func appendCheckpoint(_ checkpoint: LedgerCheckpoint) async throws -> LedgerCheckpoint {
        let signedAt = checkpoint.signedAt.ms
        let found = try await rows(
            """
            INSERT INTO ledger_checkpoints (events, head_event_id, head_hash, signed_at, key_id, signature)
            VALUES (\(checkpoint.events), \(checkpoint.headEventId), \(checkpoint.headHash), \(signedAt),
            \(checkpoint.keyId), \(checkpoint.signature)) RETURNING id
            """)
        var stored = checkpoint
        stored.id = try found.first?.makeRandomAccess().get("id", as: Int64.self) ?? 0
        return stored
    }

    public func checkpoints(afterId: Int64, limit: Int) async throws -> [LedgerCheckpoint] {
        try await rows("SELECT * FROM ledger_checkpoints WHERE id > \(afterId) ORDER BY id LIMIT \(limit)")
            .map(Self.checkpoint(from:))
    }

    public func latestCheckpoint() async throws -> LedgerCheckpoint? {
        try await rows("SELECT * FROM ledger_checkpoints ORDER BY id DESC LIMIT 1").first.map(Self.checkpoint(from:))
    }

    static func checkpoint(from row: PostgresRow) throws -> LedgerCheckpoint {
        let columns = row.makeRandomAccess()
        return LedgerCheckpoint(
            id: try columns.get("id", as: Int64.self), events: try columns.get("events", as: Int.self),
            headEventId: try columns.get("head_event_id", as: Int64.self),
            headHash: try columns.get("head_hash", as: String.self),
            signedAt: Date(milliseconds: try columns.get("signed_at", as: Int64.self)),
            keyId: try columns.get("key_id", as: String.self), signature: try columns.get("signature", as: String.self))
    }
}

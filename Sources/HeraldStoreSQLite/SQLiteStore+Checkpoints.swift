import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: CheckpointStore {
    public func ledgerHead() async throws -> LedgerHead? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1")
            else { return nil }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM consent_events") ?? 0
            return LedgerHead(events: count, headEventId: row["id"], headHash: row["hash"])
        }
    }

    public func appendCheckpoint(_ checkpoint: LedgerCheckpoint) async throws -> LedgerCheckpoint {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO ledger_checkpoints (events, head_event_id, head_hash, signed_at, key_id, signature)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    checkpoint.events, checkpoint.headEventId, checkpoint.headHash, checkpoint.signedAt.ms,
                    checkpoint.keyId, checkpoint.signature,
                ])
            var stored = checkpoint
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func checkpoints(afterId: Int64, limit: Int) async throws -> [LedgerCheckpoint] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM ledger_checkpoints WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterId, limit]
            ).map(Self.checkpoint(from:))
        }
    }

    public func latestCheckpoint() async throws -> LedgerCheckpoint? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ledger_checkpoints ORDER BY id DESC LIMIT 1").map(Self.checkpoint(from:))
        }
    }

    static func checkpoint(from row: Row) -> LedgerCheckpoint {
        LedgerCheckpoint(
            id: row["id"], events: row["events"], headEventId: row["head_event_id"], headHash: row["head_hash"],
            signedAt: Date(milliseconds: row["signed_at"]), keyId: row["key_id"], signature: row["signature"])
    }
}

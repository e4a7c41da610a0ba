import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: ConsentImportStore {
    /// One write transaction for the whole import: the single writer keeps the chain whole, and a failure
    /// anywhere rolls every row back.
    public func importConsents(
        _ inputs: [ConsentInput], at: Date, progress: (@Sendable (Int) -> Void)?
    ) async throws -> ConsentImportResult {
        let encoder = HeraldJSON.encoder()
        let evidence = try inputs.map { input in
            try input.evidence.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        }
        let result = try await write { db in
            let head = try Row.fetchOne(db, sql: "SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1")
                .map { (id: $0["id"] as Int64, hash: $0["hash"] as String) }
            let events = ConsentChain.extend(after: head, with: inputs, recordedAt: at)
            let step = 4096
            for start in stride(from: 0, to: events.count, by: step) {
                let end = min(start + step, events.count)
                try db.runBatched(Array(start..<end), columns: 16) { values in
                    "INSERT INTO consent_events \(Self.consentColumns) VALUES \(values)"
                } bind: { index, values in
                    Self.bindConsent(events[index], evidence: evidence[index], to: &values)
                }
                progress?(end)
            }
            return ConsentImportResult(
                imported: events.count, firstId: events.first?.id, lastId: events.last?.id,
                headHash: events.last?.hash ?? head?.hash ?? ConsentChain.genesis)
        }
        if inputs.contains(where: { $0.status == .revoked }) { await sendFence.drain() }
        return result
    }
}

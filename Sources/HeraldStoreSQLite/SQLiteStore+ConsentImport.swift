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
            let (head, events) = try Self.appendEvents(db, inputs, evidence: evidence, at: at, progress: progress)
            return ConsentImportResult(
                imported: events.count, firstId: events.first?.id, lastId: events.last?.id,
                headHash: events.last?.hash ?? head?.hash ?? ConsentChain.genesis)
        }
        if inputs.contains(where: { $0.status == .revoked }) { await sendFence.drain() }
        return result
    }

    public func recordDeliveryRevocations(_ revocations: [DeliveryRevocation], at: Date) async throws -> [ConsentEvent] {
        guard !revocations.isEmpty else { return [] }
        let evidence = try DeliveryRevocation.storedEvidence(of: revocations)
        let events = try await write { db -> [ConsentEvent] in
            let belongs = try db.cachedStatement(sql: "SELECT 1 FROM deliveries WHERE id = ? AND contact_id = ?")
            var kept: [Int] = []
            for (index, revocation) in revocations.enumerated() {
                var found = false
                try belongs.forEachDirect(db) { values in
                    values.add(revocation.deliveryId)
                    values.add(revocation.input.contactId)
                } _: { _ in found = true }
                if found { kept.append(index) }
            }
            guard !kept.isEmpty else { return [] }
            return try Self.appendEvents(
                db, kept.map { revocations[$0].input }, evidence: kept.map { evidence[$0] }, at: at, progress: nil
            ).events
        }
        if !events.isEmpty { await sendFence.drain() }
        return events
    }

    /// Appends `inputs` at the chain's head inside the caller's write transaction, 4,096 rows per statement.
    private static func appendEvents(
        _ db: Database, _ inputs: [ConsentInput], evidence: [String?], at: Date, progress: (@Sendable (Int) -> Void)?
    ) throws -> (head: (id: Int64, hash: String)?, events: [ConsentEvent]) {
        let head = try Row.fetchOne(db, sql: "SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1")
            .map { (id: $0["id"] as Int64, hash: $0["hash"] as String) }
        let events = ConsentChain.extend(after: head, with: inputs, recordedAt: at)
        let step = 4096
        for start in stride(from: 0, to: events.count, by: step) {
            let end = min(start + step, events.count)
            try db.runBatched(Array(start..<end), columns: 16) { values in
                "INSERT INTO consent_events \(consentColumns) VALUES \(values)"
            } bind: { index, values in
                bindConsent(events[index], evidence: evidence[index], to: &values)
            }
            progress?(end)
        }
        return (head, events)
    }
}

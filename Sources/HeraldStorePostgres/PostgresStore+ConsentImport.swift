import Foundation
import HeraldCore
import Logging
import PostgresNIO

extension PostgresStore: ConsentImportStore {
    /// One transaction under the chain's advisory lock (so no node appends in between), with one `unnest`
    /// insert per thousand events. The deadline grows with the import: a second per thousand events.
    public func importConsents(
        _ inputs: [ConsentInput], at: Date, progress: (@Sendable (Int) -> Void)?
    ) async throws -> ConsentImportResult {
        let encoder = HeraldJSON.encoder()
        let evidence = try inputs.map { input in
            try input.evidence.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        }
        let logger = self.logger
        let result = try await transaction(deadline: .seconds(30 + inputs.count / 1000)) { connection in
            try await connection.rows("SELECT pg_advisory_xact_lock(\(LockKey.consentChain))", logger: logger)
            let (head, events) = try await Self.appendLocked(inputs, evidence: evidence, at: at, connection, logger, progress)
            return ConsentImportResult(
                imported: events.count, firstId: events.first?.id, lastId: events.last?.id,
                headHash: events.last?.hash ?? head?.hash ?? ConsentChain.genesis)
        }
        if inputs.contains(where: { $0.status == .revoked }) { await drainSends() }
        return result
    }

    public func recordDeliveryRevocations(_ revocations: [DeliveryRevocation], at: Date) async throws -> [ConsentEvent] {
        guard !revocations.isEmpty else { return [] }
        let evidence = try DeliveryRevocation.storedEvidence(of: revocations)
        let logger = self.logger
        let events = try await transaction { connection -> [ConsentEvent] in
            // Under the chain's lock an erasure has either committed (its contact's deliveries are the tombstone's)
            // or not begun (it waits for this append, then moves it to the tombstone).
            try await connection.rows("SELECT pg_advisory_xact_lock(\(LockKey.consentChain))", logger: logger)
            let ids = revocations.map(\.deliveryId)
            let contacts = revocations.map(\.input.contactId)
            let belonging = Set(
                try await connection.rows(
                    """
                    SELECT d.id FROM deliveries d
                    JOIN unnest(\(ids)::bigint[], \(contacts)::text[]) AS r(id, contact_id)
                    ON d.id = r.id AND d.contact_id = r.contact_id
                    """, logger: logger
                ).map { try $0.decode(Int64.self) })
            let kept = revocations.indices.filter { belonging.contains(revocations[$0].deliveryId) }
            guard !kept.isEmpty else { return [] }
            return try await Self.appendLocked(
                kept.map { revocations[$0].input }, evidence: kept.map { evidence[$0] }, at: at, connection, logger, nil
            ).events
        }
        if !events.isEmpty { await drainSends() }
        return events
    }

    /// Appends `inputs` at the chain's head, one `unnest` insert per thousand; the caller holds the chain's lock.
    private static func appendLocked(
        _ inputs: [ConsentInput], evidence: [String?], at: Date, _ connection: PostgresConnection, _ logger: Logger,
        _ progress: (@Sendable (Int) -> Void)?
    ) async throws -> (head: (id: Int64, hash: String)?, events: [ConsentEvent]) {
        let row = try await connection.rows(
            "SELECT id, hash FROM consent_events ORDER BY id DESC LIMIT 1", logger: logger
        ).first?.makeRandomAccess()
        let head = try row.map { (id: try $0.get("id", as: Int64.self), hash: try $0.get("hash", as: String.self)) }
        let events = ConsentChain.extend(after: head, with: inputs, recordedAt: at)
        let recorded = at.truncatedToMilliseconds.ms
        for start in stride(from: 0, to: events.count, by: 1000) {
            let chunk = events[start..<min(start + 1000, events.count)]
            let ids = chunk.map(\.id)
            let contacts = chunk.map(\.contactId)
            let channels = chunk.map(\.channel)
            let topics = chunk.map(\.topic)
            let statuses = chunk.map(\.status.rawValue)
            let sources = chunk.map(\.source)
            let evidences = PostgresNullableArray(Array(evidence[chunk.indices]))
            let actors = PostgresNullableArray(chunk.map(\.actor))
            let occurred = chunk.map(\.occurredAt.ms)
            let prevHashes = chunk.map(\.prevHash)
            let hashes = chunk.map(\.hash)
            let versions = chunk.map { Int32($0.seal?.version ?? 1) }
            let salts = PostgresNullableArray(chunk.map { $0.seal?.salt })
            let subjects = PostgresNullableArray(chunk.map { $0.seal?.subjectDigest })
            let evidenceDigests = PostgresNullableArray(chunk.map { $0.seal?.evidenceDigest })
            try await connection.rows(
                """
                INSERT INTO consent_events (id, contact_id, channel, topic, status, source, evidence, actor,
                occurred_at, recorded_at, prev_hash, hash, hash_version, salt, subject_digest, evidence_digest)
                SELECT id, contact_id, channel, topic, status, source, evidence, actor, occurred_at, \(recorded),
                prev_hash, hash, hash_version, salt, subject_digest, evidence_digest
                FROM unnest(\(ids)::bigint[], \(contacts)::text[], \(channels)::text[],
                \(topics)::text[], \(statuses)::text[], \(sources)::text[], \(evidences)::text[], \(actors)::text[],
                \(occurred)::bigint[], \(prevHashes)::text[], \(hashes)::text[], \(versions)::int[], \(salts)::text[],
                \(subjects)::text[], \(evidenceDigests)::text[])
                AS e(id, contact_id, channel, topic, status, source, evidence, actor, occurred_at, prev_hash, hash,
                hash_version, salt, subject_digest, evidence_digest)
                """, logger: logger)
            progress?(chunk.endIndex)
        }
        return (head, events)
    }
}

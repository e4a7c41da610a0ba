import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func deliveries(_ query: DeliveryQuery) async throws -> [Delivery] {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let jobId = query.jobId { clauses.append("job_id = ?"); arguments += [jobId] }
        if let contactId = query.contactId { clauses.append("contact_id = ?"); arguments += [contactId] }
        if let channel = query.channel { clauses.append("channel = ?"); arguments += [channel.rawValue] }
        if let state = query.state { clauses.append("state = ?"); arguments += [state.rawValue] }
        if let since = query.since { clauses.append("updated_at >= ?"); arguments += [since.ms] }
        if let afterId = query.afterId { clauses.append("id > ?"); arguments += [afterId] }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        arguments += [query.limit]
        let sql = "SELECT * FROM deliveries \(whereClause) ORDER BY id LIMIT ?"
        let boundArguments = arguments
        return try await pool.read { db in
            var deliveries = try Row.fetchAll(db, sql: sql, arguments: boundArguments).map(Self.delivery(from:))
            let attempts = try Self.attempts(db, deliveryIds: deliveries.map(\.id))
            for index in deliveries.indices { deliveries[index].attempts = attempts[deliveries[index].id] ?? [] }
            return deliveries
        }
    }

    private static func attempts(_ db: Database, deliveryIds: [Int64]) throws -> [Int64: [Attempt]] {
        var result: [Int64: [Attempt]] = [:]
        for chunk in deliveryIds.chunked(900) {
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM attempts WHERE delivery_id IN (\(placeholders(chunk.count))) ORDER BY id",
                arguments: StatementArguments(chunk))
            for row in rows {
                let attempt = Attempt(
                    number: row["number"], at: Date(milliseconds: row["at"]), latencyMs: row["latency_ms"],
                    instance: row["instance"], outcome: AttemptOutcome(rawValue: row["outcome"]) ?? .permanent,
                    providerMessageId: row["provider_message_id"], error: row["error"])
                result[row["delivery_id"], default: []].append(attempt)
            }
        }
        return result
    }

    static func delivery(from row: Row) throws -> Delivery {
        var trace = try TraceStep.decodeStored(row["trace"])
        if let sendTrace: String = row["send_trace"] {
            trace += try TraceStep.decodeStored(sendTrace)
        }
        let notBefore: Int64? = row["not_before"]
        return Delivery(
            id: row["id"], jobId: row["job_id"], contactId: row["contact_id"],
            channel: ChannelKind(rawValue: row["channel"]) ?? .email, state: DeliveryState(rawValue: row["state"]) ?? .queued,
            reason: (row["reason"] as String?).flatMap(SuppressionReason.init(rawValue:)),
            notBefore: notBefore.map(Date.init(milliseconds:)), attemptCount: row["attempt_count"],
            instance: row["instance"], providerMessageId: row["provider_message_id"], smsSegments: row["sms_segments"],
            trace: trace, createdAt: Date(milliseconds: row["created_at"]),
            updatedAt: Date(milliseconds: row["updated_at"]))
    }
}

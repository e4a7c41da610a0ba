import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    public func deliveries(_ query: DeliveryQuery) async throws -> [Delivery] {
        // NULL filters match everything: one statement for every combination.
        let sinceMs = query.since?.ms
        let channel = query.channel?.rawValue
        let state = query.state?.rawValue
        let found = try await rows(
            """
            SELECT * FROM deliveries
            WHERE (\(query.jobId)::bigint IS NULL OR job_id = \(query.jobId)::bigint)
            AND (\(query.contactId)::text IS NULL OR contact_id = \(query.contactId)::text)
            AND (\(channel)::text IS NULL OR channel = \(channel)::text)
            AND (\(state)::text IS NULL OR state = \(state)::text)
            AND (\(sinceMs)::bigint IS NULL OR updated_at >= \(sinceMs)::bigint)
            AND (\(query.afterId)::bigint IS NULL OR id > \(query.afterId)::bigint)
            ORDER BY id LIMIT \(query.limit)
            """)
        var deliveries = try found.map(Self.delivery(from:))
        guard !deliveries.isEmpty else { return [] }
        let ids = deliveries.map(\.id)
        var attempts: [Int64: [Attempt]] = [:]
        for row in try await rows("SELECT * FROM attempts WHERE delivery_id = ANY(\(ids)::bigint[]) ORDER BY id") {
            let columns = row.makeRandomAccess()
            let attempt = Attempt(
                number: try columns.get("number"), at: Date(milliseconds: try columns.get("at")),
                latencyMs: try columns.get("latency_ms"), instance: try columns.get("instance"),
                outcome: AttemptOutcome(rawValue: try columns.get("outcome")) ?? .permanent,
                providerMessageId: try columns.get("provider_message_id"), error: try columns.get("error"))
            attempts[try columns.get("delivery_id"), default: []].append(attempt)
        }
        for index in deliveries.indices { deliveries[index].attempts = attempts[deliveries[index].id] ?? [] }
        return deliveries
    }

    static func delivery(from row: PostgresRow) throws -> Delivery {
        let columns = row.makeRandomAccess()
        var trace = try TraceStep.decodeStored(try columns.get("trace", as: String.self))
        if let sendTrace = try columns.get("send_trace", as: String?.self) {
            trace += try TraceStep.decodeStored(sendTrace)
        }
        let notBefore: Int64? = try columns.get("not_before")
        return Delivery(
            id: try columns.get("id"), jobId: try columns.get("job_id"), contactId: try columns.get("contact_id"),
            channel: ChannelKind(rawValue: try columns.get("channel")) ?? .email,
            state: DeliveryState(rawValue: try columns.get("state")) ?? .queued,
            reason: try columns.get("reason", as: String?.self).flatMap(SuppressionReason.init(rawValue:)),
            notBefore: notBefore.map(Date.init(milliseconds:)), attemptCount: try columns.get("attempt_count"),
            instance: try columns.get("instance"), providerMessageId: try columns.get("provider_message_id"),
            smsSegments: try columns.get("sms_segments"), trace: trace,
            createdAt: Date(milliseconds: try columns.get("created_at")),
            updatedAt: Date(milliseconds: try columns.get("updated_at")))
    }
}

import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: DashboardQueries {
    public func recentJobs(limit: Int) async throws -> [Job] {
        try await rows("SELECT * FROM jobs ORDER BY id DESC LIMIT \(limit)").map(Self.job(from:))
    }

    /// Failed deliveries, and those suppressed after a provider answered (an attempt was made).
    public func recentFailures(limit: Int) async throws -> [Delivery] {
        let ids: [Int64] = try await rows(
            """
            SELECT id FROM deliveries
            WHERE state = 'failed'
            OR (state = 'suppressed' AND reason IN ('invalid_address', 'opted_out') AND attempt_count > 0)
            ORDER BY updated_at DESC, id DESC LIMIT \(limit)
            """
        ).map { try $0.makeRandomAccess().get("id") }
        var found: [Delivery] = []
        for id in ids {
            if let delivery = try await delivery(id: id) { found.append(delivery) }
        }
        return found
    }

    public func throughput(since: Date) async throws -> [ThroughputPoint] {
        let sinceMs = since.ms
        return try await rows(
            """
            SELECT channel, (updated_at / 60000) AS minute, count(*) AS n FROM deliveries
            WHERE updated_at >= \(sinceMs) AND state IN ('sent', 'delivered') GROUP BY channel, minute ORDER BY minute
            """
        ).compactMap { row in
            let columns = row.makeRandomAccess()
            guard let channel = ChannelKind(rawValue: try columns.get("channel")) else { return nil }
            let minute: Int64 = try columns.get("minute")
            return ThroughputPoint(minute: Date(milliseconds: minute * 60000), channel: channel, sent: try columns.get("n"))
        }
    }

    /// The paged query with its cursor just below `id` reads one delivery with its attempts.
    /// Ids start at 1, so anything lower is simply absent (and `Int64.min - 1` would trap).
    public func delivery(id: Int64) async throws -> Delivery? {
        guard id > 0 else { return nil }
        return try await deliveries(DeliveryQuery(afterId: id - 1, limit: 1)).first { $0.id == id }
    }
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: DashboardQueries {
    /// Failed deliveries, and those suppressed after a provider answered, newest first.
    static let recentFailuresSQL = """
        SELECT id FROM deliveries WHERE \(finished())
        AND (state = 'failed' OR (state = 'suppressed' AND reason IN ('invalid_address', 'opted_out') AND attempt_count > 0))
        ORDER BY updated_at DESC, id DESC LIMIT ?
        """

    static let throughputSQL = """
        SELECT channel, (updated_at / 60000) AS minute, count(*) AS n FROM deliveries
        WHERE updated_at >= ? AND \(finished()) AND state IN ('sent', 'delivered')
        GROUP BY channel, minute ORDER BY minute
        """

    public func recentJobs(limit: Int) async throws -> [Job] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.job(from:))
        }
    }

    public func recentFailures(limit: Int) async throws -> [Delivery] {
        let ids = try await pool.read { db in
            try Int64.fetchAll(
                db,
                sql: Self.recentFailuresSQL, arguments: [limit])
        }
        var found: [Delivery] = []
        for id in ids {
            if let delivery = try await delivery(id: id) { found.append(delivery) }
        }
        return found
    }

    public func throughput(since: Date) async throws -> [ThroughputPoint] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: Self.throughputSQL, arguments: [since.ms]
            ).compactMap { row in
                guard let channel = ChannelKind(rawValue: row["channel"]) else { return nil }
                let minute: Int64 = row["minute"]
                return ThroughputPoint(minute: Date(milliseconds: minute * 60000), channel: channel, sent: row["n"])
            }
        }
    }

    /// The existing paged query with its cursor just below `id` reads one delivery with its attempts.
    /// Ids start at 1, so anything lower is simply absent (and `Int64.min - 1` would trap).
    public func delivery(id: Int64) async throws -> Delivery? {
        guard id > 0 else { return nil }
        return try await deliveries(DeliveryQuery(afterId: id - 1, limit: 1)).first { $0.id == id }
    }
}

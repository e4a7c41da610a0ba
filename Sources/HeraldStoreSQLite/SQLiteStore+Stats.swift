import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: QueueStatsProviding {
    /// Uses the partial indexes on pending states, so it stays cheap however many sent rows there are.
    public func queueStats(now: Date) async throws -> QueueStats {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT state, lane, channel, count(*) AS n FROM deliveries
                    WHERE state IN ('queued', 'scheduled', 'sending') GROUP BY state, lane, channel
                    """)
            let buckets = rows.compactMap { row -> QueueStats.Bucket? in
                guard let state = DeliveryState(rawValue: row["state"]), let lane = Lane(rawValue: row["lane"]),
                    let channel = ChannelKind(rawValue: row["channel"])
                else { return nil }
                return QueueStats.Bucket(state: state, lane: lane, channel: channel, count: row["n"])
            }
            let oldest = try Int64.fetchOne(
                db,
                sql: "SELECT min(not_before) FROM deliveries WHERE state IN ('queued', 'scheduled') AND not_before <= ?",
                arguments: [now.ms])
            let age = oldest.map { max(0, now.timeIntervalSince(Date(milliseconds: $0))) } ?? 0
            return QueueStats(buckets: buckets, oldestDueAge: age)
        }
    }
}

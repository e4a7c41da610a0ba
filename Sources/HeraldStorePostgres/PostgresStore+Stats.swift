import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: QueueStatsProviding {
    /// Counts pending deliveries only; the partial indexes on pending states keep it cheap however many
    /// sent rows pile up. Same semantics as the SQLite store.
    public func queueStats(now: Date) async throws -> QueueStats {
        let found = try await rows(
            """
            SELECT state, lane, channel, count(*) AS n FROM deliveries
            WHERE state IN ('queued', 'scheduled', 'sending') GROUP BY state, lane, channel
            """)
        let buckets = try found.compactMap { row -> QueueStats.Bucket? in
            let columns = row.makeRandomAccess()
            guard let state = DeliveryState(rawValue: try columns.get("state")),
                let lane = Lane(rawValue: try columns.get("lane", as: Int.self)),
                let channel = ChannelKind(rawValue: try columns.get("channel"))
            else { return nil }
            return QueueStats.Bucket(state: state, lane: lane, channel: channel, count: try columns.get("n"))
        }
        let nowMs = now.ms
        let oldestRows = try await rows(
            """
            SELECT min(not_before) AS oldest FROM deliveries
            WHERE state IN ('queued', 'scheduled') AND not_before <= \(nowMs)
            """)
        let oldest: Int64? = try oldestRows.first.flatMap { try $0.makeRandomAccess().get("oldest", as: Int64?.self) }
        let age = oldest.map { max(0, now.timeIntervalSince(Date(milliseconds: $0))) } ?? 0
        return QueueStats(buckets: buckets, oldestDueAge: age)
    }
}

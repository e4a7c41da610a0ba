import GRDB
import HeraldCore

/// New delivery rows bound for multi-row inserts (runs of `RowRuns` sizes), prepared before the write
/// transaction: encoding a thousand traces is work the single writer need not wait for.
struct DeliveryRows: Sendable {
    static let columns = 11
    let runs: [(count: Int, arguments: StatementArguments)]

    init(_ deliveries: [NewDelivery], at now: Int64) {
        runs = RowRuns.ranges(deliveries.count).map { range in
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity(range.count * Self.columns)
            for delivery in deliveries[range] {
                values += [
                    delivery.jobId, delivery.contactId, delivery.channel.rawValue, delivery.lane.rawValue,
                    delivery.priority, delivery.state.rawValue, delivery.reason?.rawValue, delivery.notBefore.ms,
                    TraceStep.encode(delivery.trace), now, now,
                ]
            }
            return (range.count, StatementArguments(values))
        }
    }

    /// A row that already exists (same job, contact, channel) is left as it is.
    static func insert(rows: Int) -> String {
        """
        INSERT OR IGNORE INTO deliveries
        (job_id, contact_id, channel, lane, priority, state, reason, not_before, trace, created_at, updated_at)
        VALUES \(RowRuns.values(rows: rows, columns: columns))
        """
    }
}

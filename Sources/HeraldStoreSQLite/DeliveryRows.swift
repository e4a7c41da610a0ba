import GRDB
import HeraldCore

/// New delivery rows, bound for multi-row inserts. A fan-out batch binds them before its write transaction:
/// encoding a thousand traces is work the single writer need not wait for.
enum DeliveryRows {
    static func bind(_ deliveries: [NewDelivery], at now: Int64) -> BoundRuns {
        BoundRuns(deliveries, columns: 11) { delivery, values in
            values += [
                delivery.jobId, delivery.contactId, delivery.channel.rawValue, delivery.lane.rawValue,
                delivery.priority, delivery.state.rawValue, delivery.reason?.rawValue, delivery.notBefore.ms,
                TraceStep.encode(delivery.trace), now, now,
            ]
        }
    }

    /// A row that already exists (same job, contact, channel) is left as it is.
    static func insert(_ values: String) -> String {
        """
        INSERT OR IGNORE INTO deliveries
        (job_id, contact_id, channel, lane, priority, state, reason, not_before, trace, created_at, updated_at)
        VALUES \(values)
        """
    }
}

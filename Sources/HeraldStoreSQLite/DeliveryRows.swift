import GRDB
import HeraldCore

/// New delivery rows for multi-row inserts, their traces encoded. A fan-out batch encodes them before its
/// write transaction: encoding a thousand traces is work the single writer need not wait for.
struct DeliveryRows: Sendable {
    private let rows: [(delivery: NewDelivery, trace: String)]
    private let now: Int64

    init(_ deliveries: [NewDelivery], at now: Int64) {
        self.init(rows: deliveries.map { ($0, TraceStep.encode($0.trace)) }, now: now)
    }

    private init(rows: [(delivery: NewDelivery, trace: String)], now: Int64) {
        self.rows = rows
        self.now = now
    }

    /// The rows but those for `contacts`, their traces as encoded.
    func excluding(contacts: Set<String>) -> DeliveryRows {
        DeliveryRows(rows: rows.filter { !contacts.contains($0.delivery.contactId) }, now: now)
    }

    /// A row that already exists (same job, contact, channel) is left as it is.
    func insert(_ db: Database) throws {
        try db.runBatched(rows, columns: 11) { values in
            """
            INSERT OR IGNORE INTO deliveries
            (job_id, contact_id, channel, lane, priority, state, reason, not_before, trace, created_at, updated_at)
            VALUES \(values)
            """
        } bind: { row, values in
            let delivery = row.delivery
            values.add(delivery.jobId)
            values.add(delivery.contactId)
            values.add(delivery.channel.rawValue)
            values.add(delivery.lane.rawValue)
            values.add(delivery.priority)
            values.add(delivery.state.rawValue)
            values.add(delivery.reason?.rawValue)
            values.add(delivery.notBefore.ms)
            values.add(row.trace)
            values.add(now)
            values.add(now)
        }
    }
}

import GRDB
import HeraldCore

extension SQLiteStore {
    public func lateStopFacts(jobIds: [Int64], contactIds: [String], addresses: [String]) async throws -> LateStopFacts {
        try await pool.read { db in
            var facts = LateStopFacts()
            for list in InList.chunks(of: jobIds) {
                try db.cachedStatement(sql: "SELECT id FROM jobs WHERE status = 'cancelled' AND id IN (\(list.sql))")
                    .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in facts.cancelledJobs.insert(row.int64(0)) }
            }
            for list in InList.chunks(of: contactIds) {
                try db.cachedStatement(sql: "SELECT id FROM contacts WHERE id IN (\(list.sql))")
                    .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in facts.existingContacts.insert(row.string(0)) }
            }
            for list in InList.chunks(of: addresses) {
                try db.cachedStatement(sql: "SELECT address FROM suppressions WHERE address IN (\(list.sql))")
                    .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in facts.suppressedAddresses.insert(row.string(0)) }
            }
            return facts
        }
    }
}

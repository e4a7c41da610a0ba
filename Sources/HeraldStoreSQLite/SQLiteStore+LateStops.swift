import GRDB
import HeraldCore

extension SQLiteStore {
    public func lateChanges(
        afterEvent eventId: Int64, stopsSince: Int64?, jobIds: [Int64], contactIds: [String], addresses: [String]
    ) async throws -> LateChanges {
        // Taken before the read's snapshot begins: a stop that commits after it waits for it (`SendFence`).
        let hold = sendFence.hold()
        return try await pool.read { db in
            LateChanges(
                events: try Self.consentEvents(db, after: eventId, contactIds: contactIds),
                stops: try Self.lateStopFacts(
                    db, since: stopsSince, jobIds: jobIds, contactIds: contactIds, addresses: addresses),
                hold: hold)
        }
    }

    private static func lateStopFacts(
        _ db: Database, since: Int64?, jobIds: [Int64], contactIds: [String], addresses: [String]
    ) throws -> LateStopFacts {
        var facts = LateStopFacts()
        if let since, try Self.sendStops(db) == since { return facts }
        for list in InList.chunks(of: jobIds) {
            try db.cachedStatement(sql: "SELECT id FROM jobs WHERE status = 'cancelled' AND id IN (\(list.sql))")
                .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in facts.cancelledJobs.insert(row.int64(0)) }
        }
        var gone = Set(contactIds)
        for list in InList.chunks(of: contactIds) {
            try db.cachedStatement(sql: "SELECT id FROM contacts WHERE id IN (\(list.sql))")
                .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in gone.remove(row.string(0)) }
        }
        facts.erasedContacts = gone
        let spellings = AddressSpellings(addresses)
        for list in InList.chunks(of: spellings.all) {
            try db.cachedStatement(sql: "SELECT address FROM suppressions WHERE address IN (\(list.sql))")
                .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in
                    spellings.forEachAddress(spelledAs: row.string(0)) { facts.suppressedAddresses.insert($0) }
                }
        }
        return facts
    }

    /// Cancels, contact deletions and suppressions so far, counted by triggers (so `herald` commands beside the
    /// daemon count too).
    static func sendStops(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT n FROM send_stops")) ?? 0
    }

    static func registerSendStopsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("engine_v4_send_stops") { db in
            try db.execute(
                sql: """
                    CREATE TABLE send_stops (n INTEGER NOT NULL);
                    INSERT INTO send_stops (n) VALUES (0);
                    CREATE TRIGGER send_stops_cancel AFTER UPDATE OF status ON jobs
                    WHEN NEW.status = 'cancelled' AND OLD.status <> 'cancelled' BEGIN
                    UPDATE send_stops SET n = n + 1;
                    END;
                    CREATE TRIGGER send_stops_erase AFTER DELETE ON contacts BEGIN
                    UPDATE send_stops SET n = n + 1;
                    END;
                    CREATE TRIGGER send_stops_suppress AFTER INSERT ON suppressions BEGIN
                    UPDATE send_stops SET n = n + 1;
                    END;
                    """)
        }
    }
}

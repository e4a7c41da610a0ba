import HeraldCore
import Logging
import PostgresNIO

extension PostgresStore {
    /// Read inside a transaction that first takes the send fence's lock shared and stays open, holding it,
    /// until the caller ends the answer's hold (`PostgresSendFence`). Stops are always looked up: PostgreSQL
    /// keeps no count of them (`ClaimDecisions.stopWatermark` is nil).
    public func lateChanges(
        afterEvent eventId: Int64, stopsSince: Int64?, jobIds: [Int64], contactIds: [String], addresses: [String]
    ) async throws -> LateChanges {
        let logger = self.logger
        return try await sendFence.holding(self) { connection in
            return (
                events: try await Self.consentEvents(after: eventId, contactIds: contactIds, connection, logger),
                stops: try await Self.lateStopFacts(
                    jobIds: jobIds, contactIds: contactIds, addresses: addresses, connection, logger)
            )
        }
    }

    /// Returns once every send fence lock taken before the call is released, on any node. Called after a stop
    /// commits.
    func drainSends() async {
        await sendFence.drain(self)
    }

    /// Ledger events newer than `eventId` for these contacts, in ledger order.
    private static func consentEvents(
        after eventId: Int64, contactIds: [String], _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [ConsentEvent] {
        guard !contactIds.isEmpty else { return [] }
        return try await connection.rows(
            """
            SELECT * FROM consent_events WHERE id > \(eventId) AND contact_id = ANY(\(contactIds)::text[]) ORDER BY id
            """, logger: logger
        ).map { try Self.consentEvent(from: $0) }
    }

    private static func lateStopFacts(
        jobIds: [Int64], contactIds: [String], addresses: [String], _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> LateStopFacts {
        var facts = LateStopFacts()
        if !jobIds.isEmpty {
            for row in try await connection.rows(
                "SELECT id FROM jobs WHERE status = 'cancelled' AND id = ANY(\(jobIds)::bigint[])", logger: logger)
            {
                facts.cancelledJobs.insert(try row.decode(Int64.self))
            }
        }
        if !contactIds.isEmpty {
            var gone = Set(contactIds)
            for row in try await connection.rows(
                "SELECT id FROM contacts WHERE id = ANY(\(contactIds)::text[])", logger: logger)
            {
                gone.remove(try row.decode(String.self))
            }
            facts.erasedContacts = gone
        }
        if !addresses.isEmpty {
            let spellings = AddressSpellings(addresses)
            for row in try await connection.rows(
                "SELECT address FROM suppressions WHERE address = ANY(\(spellings.all)::text[])", logger: logger)
            {
                spellings.forEachAddress(spelledAs: try row.decode(String.self)) { facts.suppressedAddresses.insert($0) }
            }
        }
        return facts
    }
}

import HeraldCore
import PostgresNIO

extension PostgresStore {
    /// Stops are always looked up: PostgreSQL keeps no count of them (`ClaimDecisions.stopWatermark` is nil).
    public func lateChanges(
        afterEvent eventId: Int64, stopsSince: Int64?, jobIds: [Int64], contactIds: [String], addresses: [String]
    ) async throws -> LateChanges {
        LateChanges(
            events: try await consentEvents(after: eventId, contactIds: contactIds),
            stops: try await lateStopFacts(jobIds: jobIds, contactIds: contactIds, addresses: addresses))
    }

    private func lateStopFacts(jobIds: [Int64], contactIds: [String], addresses: [String]) async throws
        -> LateStopFacts
    {
        var facts = LateStopFacts()
        if !jobIds.isEmpty {
            for row in try await rows("SELECT id FROM jobs WHERE status = 'cancelled' AND id = ANY(\(jobIds)::bigint[])") {
                facts.cancelledJobs.insert(try row.decode(Int64.self))
            }
        }
        if !contactIds.isEmpty {
            var gone = Set(contactIds)
            for row in try await rows("SELECT id FROM contacts WHERE id = ANY(\(contactIds)::text[])") {
                gone.remove(try row.decode(String.self))
            }
            facts.erasedContacts = gone
        }
        if !addresses.isEmpty {
            for row in try await rows("SELECT address FROM suppressions WHERE address = ANY(\(addresses)::text[])") {
                facts.suppressedAddresses.insert(try row.decode(String.self))
            }
        }
        return facts
    }
}

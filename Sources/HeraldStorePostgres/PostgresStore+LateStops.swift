import HeraldCore
import PostgresNIO

extension PostgresStore {
    /// Always looked up: PostgreSQL keeps no count of stops (`ClaimDecisions.stopWatermark` is nil here).
    public func lateStopFacts(since: Int64?, jobIds: [Int64], contactIds: [String], addresses: [String]) async throws
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

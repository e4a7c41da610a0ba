import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    public func policyFacts(for contacts: [Contact], since: Date) async throws -> [String: ContactPolicyFacts] {
        guard !contacts.isEmpty else { return [:] }
        return try await transaction { connection in
            try await Self.loadFacts(
                connection, contacts: contacts, since: since, erased: self.erasedAddresses, logger: self.logger)
        }
    }

    /// Consents, recent sends and suppressed addresses for a batch of contacts: three queries in all.
    /// `excluding` deliveries' own reservations: a re-claimed delivery must not count against itself.
    static func loadFacts(
        _ connection: PostgresConnection, contacts: [Contact], since: Date, excluding: [Int64] = [],
        erased: ErasedAddressFilter, logger: Logger
    ) async throws -> [String: ContactPolicyFacts] {
        var facts: [String: ContactPolicyFacts] = [:]
        facts.reserveCapacity(contacts.count)
        for contact in contacts { facts[contact.id] = ContactPolicyFacts() }
        let ids = contacts.map(\.id)
        for row in try await connection.rows(
            """
            SELECT \(unescaped: ConsentEvent.policyColumns)
            FROM consent_events WHERE contact_id = ANY(\(ids)::text[]) ORDER BY id
            """, logger: logger)
        {
            let event = try policyConsentEvent(from: row)
            facts[event.contactId]?.consents.append(event)
        }
        let sinceMs = since.ms
        for row in try await connection.rows(
            """
            SELECT contact_id, channel, purpose, topic, at FROM send_log
            WHERE contact_id = ANY(\(ids)::text[]) AND at > \(sinceMs) AND delivery_id <> ALL(\(excluding)::bigint[])
            ORDER BY id
            """, logger: logger)
        {
            let columns = row.makeRandomAccess()
            guard let channel = ChannelKind(rawValue: try columns.get("channel")),
                let purpose = Purpose(rawValue: try columns.get("purpose"))
            else { continue }
            let record = SendRecord(
                channel: channel, purpose: purpose, topic: try columns.get("topic"),
                at: Date(milliseconds: try columns.get("at")))
            facts[try columns.get("contact_id", as: String.self)]?.recentSends.append(record)
        }
        let owners = AddressOwners(contacts)
        guard !owners.isEmpty else { return facts }
        let spellings = owners.spellings
        for row in try await connection.rows(
            "SELECT address FROM suppressions WHERE address = ANY(\(spellings)::text[])", logger: logger)
        {
            owners.forEachAddress(spelledAs: try row.makeRandomAccess().get("address")) { owner, address in
                facts[owner]?.suppressedAddresses.insert(address)
            }
        }
        let byDigest = erased.digests(of: spellings)
        guard !byDigest.isEmpty else { return facts }
        let digests = Array(byDigest.keys)
        for row in try await connection.rows(
            "SELECT digest FROM erased_addresses WHERE digest = ANY(\(digests)::text[])", logger: logger)
        {
            let digest: String = try row.makeRandomAccess().get("digest")
            guard let spelling = byDigest[digest] else { continue }
            owners.forEachAddress(spelledAs: spelling) { owner, address in facts[owner]?.erasedAddresses.insert(address) }
        }
        return facts
    }
}

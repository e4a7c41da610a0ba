import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore {
    public func upsertContacts(_ contacts: [Contact], at: Date) async throws {
        guard !contacts.isEmpty else { return }
        for contact in contacts { try contact.checkStorable() }
        // Last write wins within a batch (as in SQLite); sorted by id so concurrent upserts and claims lock
        // contact rows in one order and cannot deadlock.
        let latest = Dictionary(contacts.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        let rows = latest.keys.sorted().map { id in
            let contact = latest[id]!
            return (id, contact.phone, contact.storedJSON)
        }
        let updated = at.ms
        try await transaction { connection in
            try await connection.insertRows(
                into: "contacts",
                columns: [
                    .init("id", "text"), .init("phone", "text"), .init("body", "text"), .init("updated_at", "bigint"),
                    .init("created_at", "bigint"),
                ],
                rows: rows,
                suffix: """
                    ON CONFLICT (id) DO UPDATE SET
                    phone = excluded.phone, body = excluded.body, updated_at = excluded.updated_at
                    """,
                logger: self.logger
            ) { row, bindings in
                bindings.append(row.0)
                bindings.append(row.1)
                bindings.append(row.2)
                bindings.append(updated)
                bindings.append(updated)
            }
        }
    }

    public func contactCreatedAt(_ contactId: String) async throws -> Date? {
        try await rows("SELECT created_at FROM contacts WHERE id = \(contactId)").first
            .map { Date(milliseconds: try $0.decode(Int64.self)) }
    }

    public func listsErasedAddress(digests: [String]) async throws -> Bool {
        guard !digests.isEmpty else { return false }
        return try await !rows("SELECT 1 FROM erased_addresses WHERE digest = ANY(\(digests)::text[]) LIMIT 1").isEmpty
    }

    public func contact(id: String) async throws -> Contact? {
        try await contacts(ids: [id]).first
    }

    public func contacts(ids: [String]) async throws -> [Contact] {
        guard !ids.isEmpty else { return [] }
        return try Self.decodeContacts(try await rows("SELECT body FROM contacts WHERE id = ANY(\(ids)::text[])"))
    }

    public func contacts(phone: String) async throws -> [Contact] {
        try Self.decodeContacts(try await rows("SELECT body FROM contacts WHERE phone = \(phone) LIMIT 100"))
    }

    public func contactsPage(after afterId: String?, limit: Int) async throws -> [Contact] {
        let after = afterId ?? ""
        return try Self.decodeContacts(
            try await rows("SELECT body FROM contacts WHERE id > \(after) ORDER BY id LIMIT \(limit)"))
    }

    static func decodeContacts(_ rows: [PostgresRow]) throws -> [Contact] {
        try rows.map { row in
            try Self.decodeContact(try row.makeRandomAccess().get("body", as: String.self))
        }
    }
}

extension PostgresStore {
    static func decodeContact(_ body: String) throws -> Contact {
        guard let contact = Contact(storedJSON: body) else {
            throw HeraldError(code: "store_corrupt", message: "a stored contact could not be read", statusCode: 500)
        }
        return contact
    }
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func upsertContacts(_ contacts: [Contact], at: Date) async throws {
        guard !contacts.isEmpty else { return }
        for contact in contacts { try contact.checkStorable() }
        let rows = contacts.map { ($0.id, $0.phone, $0.storedJSON) }
        try await write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO contacts (id, phone, body, updated_at, created_at) VALUES (?, ?, ?, ?, ?4)
                    ON CONFLICT(id) DO UPDATE SET
                    phone = excluded.phone, body = excluded.body, updated_at = excluded.updated_at
                    """)
            for (id, phone, body) in rows {
                try statement.execute(arguments: [id, phone, body, at.ms])
            }
        }
    }

    public func contactCreatedAt(_ contactId: String) async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT created_at FROM contacts WHERE id = ?", arguments: [contactId])
        }.map(Date.init(milliseconds:))
    }

    public func listsErasedAddress(digests: [String]) async throws -> Bool {
        guard !digests.isEmpty else { return false }
        // One or two digests: an address and its other spelling.
        return try await pool.read { db in
            try digests.contains { digest in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM erased_addresses WHERE digest = ?)", arguments: [digest]) ?? false
            }
        }
    }

    public func contact(id: String) async throws -> Contact? {
        try await contacts(ids: [id]).first
    }

    public func contacts(ids: [String]) async throws -> [Contact] {
        guard !ids.isEmpty else { return [] }
        return try await pool.read { db in try Self.fetchContacts(db, ids: ids) }
    }

    public func contacts(phone: String) async throws -> [Contact] {
        let bodies = try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM contacts WHERE phone = ? LIMIT 100", arguments: [phone])
        }
        return try bodies.map(Self.decodeContact)
    }

    public func contactsPage(after afterId: String?, limit: Int) async throws -> [Contact] {
        let bodies = try await pool.read { db in
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT body FROM contacts WHERE id > ? ORDER BY id LIMIT ?"),
                arguments: [afterId ?? "", limit])
        }
        return try bodies.map(Self.decodeContact)
    }

    static func fetchContacts(_ db: Database, ids: [String]) throws -> [Contact] {
        var bodies: [String] = []
        bodies.reserveCapacity(ids.count)
        for list in InList.chunks(of: ids) {
            // Padding repeats an id, but IN matches each row once.
            try db.cachedStatement(sql: "SELECT body FROM contacts WHERE id IN (\(list.sql))")
                .forEachDirect(db, bind: { list.bind(to: &$0) }) { row in bodies.append(row.string(0)) }
        }
        return try decodeContacts(bodies)
    }

    /// Decoded on two threads when there are many: a claim decodes inside the write transaction every other
    /// write waits for, while the other core is often idle. Every body comes back decoded or the claim fails: a
    /// contact lost here would be decided as one without an address.
    private static func decodeContacts(_ bodies: [String]) throws -> [Contact] {
        guard bodies.count >= 128 else { return try bodies.map(decodeContact) }
        let middle = bodies.count / 2
        let halves = [bodies[..<middle], bodies[middle...]]
        return try TwoThreads.run { try halves[$0].map(decodeContact) }.flatMap { $0 }
    }
}

extension SQLiteStore {
    static func decodeContact(_ body: String) throws -> Contact {
        guard let contact = Contact(storedJSON: body) else {
            throw HeraldError(code: "store_corrupt", message: "a stored contact could not be read", statusCode: 500)
        }
        return contact
    }
}

extension Array {
    /// Slices of at most `size`: SQLite caps the number of bound parameters per statement.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

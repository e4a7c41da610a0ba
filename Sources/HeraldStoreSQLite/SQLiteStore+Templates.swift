import Foundation
import GRDB
import HeraldCore

extension SQLiteStore: TemplateStore {
    /// Stored templates: one row per immutable version.
    static func registerTemplateMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("templates-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE templates (
                        id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        content TEXT NOT NULL,
                        author TEXT NOT NULL,
                        note TEXT,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (id, version));
                    """)
        }
    }

    public func saveTemplate(id: String, content: Content, author: String, note: String?, at: Date) async throws
        -> TemplateVersion
    {
        let json = String(decoding: try HeraldJSON.encoder().encode(content), as: UTF8.self)
        // One writer at a time: the next version number cannot be taken twice.
        let version = try await write { db in
            let latest = try Int.fetchOne(db, sql: "SELECT max(version) FROM templates WHERE id = ?", arguments: [id])
            let next = (latest ?? 0) + 1
            try db.execute(
                sql: "INSERT INTO templates (id, version, content, author, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, next, json, author, note, at.ms])
            return next
        }
        return TemplateVersion(
            id: id, version: version, content: content, author: author, note: note,
            createdAt: Date(milliseconds: at.ms))
    }

    public func templateVersions(id: String) async throws -> [TemplateVersion] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM templates WHERE id = ? ORDER BY version", arguments: [id])
                .map(Self.templateVersion(from:))
        }
    }

    public func templateVersion(id: String, version: Int?) async throws -> TemplateVersion? {
        try await pool.read { db in
            let row =
                if let version {
                    try Row.fetchOne(
                        db, sql: "SELECT * FROM templates WHERE id = ? AND version = ?", arguments: [id, version])
                } else {
                    try Row.fetchOne(
                        db, sql: "SELECT * FROM templates WHERE id = ? ORDER BY version DESC LIMIT 1", arguments: [id])
                }
            return try row.map(Self.templateVersion(from:))
        }
    }

    private static func templateVersion(from row: Row) throws -> TemplateVersion {
        TemplateVersion(
            id: row["id"], version: row["version"],
            content: try HeraldJSON.decoder().decode(Content.self, from: Data((row["content"] as String).utf8)),
            author: row["author"], note: row["note"], createdAt: Date(milliseconds: row["created_at"]))
    }
}

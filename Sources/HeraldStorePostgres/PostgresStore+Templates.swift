import Foundation
import HeraldCore
import PostgresNIO

extension PostgresStore: TemplateStore {
    /// Stored templates, one row per immutable version; same columns as SQLite's `templates-v1`. Numbered
    /// apart from the core schema's 1, 2, … so that a core migration added meanwhile cannot take its number.
    static let schemaTemplatesV1 = """
        CREATE TABLE templates (
            id TEXT COLLATE "C" NOT NULL,
            version BIGINT NOT NULL,
            content TEXT NOT NULL,
            author TEXT NOT NULL,
            note TEXT,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (id, version))
        """

    public func saveTemplate(id: String, content: Content, author: String, note: String?, at: Date) async throws
        -> TemplateVersion
    {
        let json = String(decoding: try HeraldJSON.encoder().encode(content), as: UTF8.self)
        let created = at.ms
        let version: Int = try await transaction { connection in
            // Saves of one template take turns, so two nodes never pick the same next version.
            try await connection.rows("SELECT pg_advisory_xact_lock(hashtextextended(\(id), 0))", logger: self.logger)
            let inserted = try await connection.rows(
                """
                INSERT INTO templates (id, version, content, author, note, created_at)
                SELECT \(id), COALESCE(max(version), 0) + 1, \(json), \(author), \(note), \(created)
                FROM templates WHERE id = \(id)
                RETURNING version
                """, logger: self.logger)
            guard let row = inserted.first else {
                throw HeraldError(code: "store_error", message: "template version not stored", statusCode: 500)
            }
            return try row.makeRandomAccess().get("version", as: Int.self)
        }
        return TemplateVersion(
            id: id, version: version, content: content, author: author, note: note, createdAt: at.truncatedToMilliseconds)
    }

    public func templateVersions(id: String) async throws -> [TemplateVersion] {
        try await rows("SELECT * FROM templates WHERE id = \(id) ORDER BY version").map(Self.templateVersion(from:))
    }

    public func templateVersion(id: String, version: Int?) async throws -> TemplateVersion? {
        let found =
            if let version {
                try await rows("SELECT * FROM templates WHERE id = \(id) AND version = \(version)")
            } else {
                try await rows("SELECT * FROM templates WHERE id = \(id) ORDER BY version DESC LIMIT 1")
            }
        return try found.first.map(Self.templateVersion(from:))
    }

    private static func templateVersion(from row: PostgresRow) throws -> TemplateVersion {
        let columns = row.makeRandomAccess()
        let content = try HeraldJSON.decoder().decode(
            Content.self, from: Data(try columns.get("content", as: String.self).utf8))
        return TemplateVersion(
            id: try columns.get("id"), version: try columns.get("version"), content: content,
            author: try columns.get("author"), note: try columns.get("note"),
            createdAt: Date(milliseconds: try columns.get("created_at")))
    }
}

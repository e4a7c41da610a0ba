import Foundation

/// One immutable version of a stored template: content per channel and locale, validated when it was saved.
public struct TemplateVersion: Codable, Sendable, Hashable {
    public var id: String
    /// 1 for the first save, then one more per save.
    public var version: Int
    public var content: Content
    public var author: String
    public var note: String?
    public var createdAt: Date

    public init(id: String, version: Int, content: Content, author: String, note: String?, createdAt: Date) {
        self.id = id
        self.version = version
        self.content = content
        self.author = author
        self.note = note
        self.createdAt = createdAt
    }
}

/// Stored, versioned templates. Versions are never changed or removed, so a job pinned to one sends the
/// same content however the template is edited later.
public protocol TemplateStore: Sendable {
    /// Stores `content` as the next version of template `id` (version 1 for a new id) and returns it.
    func saveTemplate(id: String, content: Content, author: String, note: String?, at: Date) async throws
        -> TemplateVersion
    /// Every version of `id`, oldest first; empty for an unknown id.
    func templateVersions(id: String) async throws -> [TemplateVersion]
    /// One version of `id`, or its latest when `version` is nil.
    func templateVersion(id: String, version: Int?) async throws -> TemplateVersion?
}

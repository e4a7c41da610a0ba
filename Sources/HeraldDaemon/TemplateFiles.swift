import Foundation
import HeraldCore
import Yams

/// One template as kept in git for `herald templates push`.
public struct TemplateFile: Sendable, Hashable {
    public var path: String
    public var id: String
    public var draft: TemplateDraft
}

/// Reads template files: JSON or YAML `{id?, content, author?, note?}`; the id defaults to the file name
/// without its extension. Every file is read and validated before any is saved.
public enum TemplateFiles {
    static let extensions: Set<String> = ["json", "yaml", "yml"]

    /// The file at `path`, or every template file directly inside the directory at `path`, by name.
    public static func load(_ path: String, author: String, note: String?, smsMaxSegments: Int) throws
        -> [TemplateFile]
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HeraldError(code: "not_found", message: "\(path) does not exist")
        }
        let files =
            isDirectory.boolValue
            ? try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { extensions.contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }.sorted()
                .map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
            : [path]
        let loaded = try files.map { try read($0, author: author, note: note, smsMaxSegments: smsMaxSegments) }
        var seen: [String: String] = [:]
        for file in loaded {
            if let other = seen[file.id] {
                throw HeraldError(
                    code: "invalid_field", message: "\(file.path) and \(other) both define \(file.id)", field: "id")
            }
            seen[file.id] = file.path
        }
        return loaded
    }

    private struct Body: Decodable {
        var id: String?
        var content: Content
        var author: String?
        var note: String?
    }

    static func read(_ path: String, author: String, note: String?, smsMaxSegments: Int) throws -> TemplateFile {
        let name = URL(fileURLWithPath: path).lastPathComponent
        do {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw HeraldError(code: "not_found", message: "cannot read the file")
            }
            let body = try decode(data, yaml: URL(fileURLWithPath: path).pathExtension.lowercased() != "json")
            let id = body.id ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            guard TemplateResolution.isValidId(id) else {
                throw HeraldError.invalid("id", "must be 1–100 letters, digits, '.', '_' or '-'")
            }
            let draft = TemplateDraft(content: body.content, author: body.author ?? author, note: body.note ?? note)
            try draft.validate(smsMaxSegments: smsMaxSegments)
            return TemplateFile(path: path, id: id, draft: draft)
        } catch let error as HeraldError {
            throw HeraldError(code: error.code, message: "\(name): \(error.message)", field: error.field)
        }
    }

    /// YAML goes through `JSONValue`, so both formats decode with Herald's snake_case JSON rules.
    private static func decode(_ data: Data, yaml: Bool) throws -> Body {
        do {
            let json =
                yaml
                ? try HeraldJSON.encoder().encode(try YAMLDecoder().decode(JSONValue.self, from: data))
                : data
            return try HeraldJSON.decoder().decode(Body.self, from: json)
        } catch let error as DecodingError {
            throw DecodingErrors.heraldError(error)
        } catch let error as HeraldError {
            throw error
        } catch {
            throw HeraldError(code: "invalid_json", message: yaml ? "not valid YAML" : "not valid JSON")
        }
    }
}

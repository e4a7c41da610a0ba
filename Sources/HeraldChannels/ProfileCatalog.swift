import Foundation
import HeraldCore
import Yams

/// Provider profiles by id: the built-in ones (compiled from the repo's `channels/`), and those of a
/// `profiles_dir` folder (one `<id>/profile.yaml` per provider), which add to or override them.
public struct ProfileCatalog: Sendable {
    public static let builtInSource = "built-in"

    public var profiles: [String: Profile]
    /// Where each profile came from: `built-in`, or the file it was read from.
    public var sources: [String: String] = [:]

    public init(profiles: [Profile]) {
        self.profiles = Dictionary(profiles.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The profiles shipped inside the binary.
    public static func builtIn() throws -> ProfileCatalog {
        var catalog = ProfileCatalog(
            profiles: try BuiltInProfiles.files.map { try parse(yaml: $0.yaml, file: "\($0.id)/profile.yaml (built-in)") })
        catalog.sources = Dictionary(uniqueKeysWithValues: catalog.profiles.keys.map { ($0, builtInSource) })
        return catalog
    }

    /// The built-in profiles, with those of `directory` (when given) added or put in their place.
    public static func standard(overrides directory: URL?) throws -> ProfileCatalog {
        var catalog = try builtIn()
        guard let directory else { return catalog }
        let local = try load(directory: directory)
        for (id, profile) in local.profiles {
            catalog.profiles[id] = profile
            catalog.sources[id] = directory.appendingPathComponent(id).appendingPathComponent("profile.yaml").path
        }
        return catalog
    }

    /// Loads and validates every profile; the first problem throws a `HeraldError` (code
    /// `invalid_profile`) whose field names the file and the field.
    public static func load(directory: URL) throws -> ProfileCatalog {
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: directory.path) else {
            throw HeraldError(
                code: "invalid_profile", message: "cannot read the profiles folder", field: directory.path)
        }
        var profiles: [Profile] = []
        for entry in entries.sorted() {
            let file = directory.appendingPathComponent(entry).appendingPathComponent("profile.yaml")
            guard manager.fileExists(atPath: file.path) else { continue }
            let name = "\(entry)/profile.yaml"
            let text: String
            do { text = try String(contentsOf: file, encoding: .utf8) } catch {
                throw HeraldError(code: "invalid_profile", message: "\(name): cannot be read", field: name)
            }
            let profile = try parse(yaml: text, file: name)
            guard profile.id == entry else {
                throw HeraldError(
                    code: "invalid_profile", message: "\(name): id must match its folder", field: "\(name): id")
            }
            profiles.append(profile)
        }
        return ProfileCatalog(profiles: profiles)
    }

    /// Decodes and validates one profile; `file` only labels errors.
    public static func parse(yaml: String, file: String) throws -> Profile {
        let profile: Profile
        do {
            profile = try YAMLDecoder().decode(Profile.self, from: yaml)
        } catch let error as DecodingError {
            let (path, detail) = describe(error)
            throw HeraldError(
                code: "invalid_profile", message: "\(file): \(path): \(detail)", field: "\(file): \(path)")
        } catch {
            throw HeraldError(code: "invalid_profile", message: "\(file): not valid YAML (\(error))", field: file)
        }
        do {
            try profile.validate()
        } catch let error as HeraldError {
            let field = error.field ?? "profile"
            throw HeraldError(
                code: error.code, message: "\(file): \(field): \(error.message)", field: "\(file): \(field)")
        }
        return profile
    }

    public func profile(_ id: String) throws -> Profile {
        guard let profile = profiles[id] else {
            throw HeraldError(code: "unknown_profile", message: "no provider profile named \(id)", field: "profile")
        }
        return profile
    }

    private static func describe(_ error: DecodingError) -> (path: String, detail: String) {
        func dotted(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return (dotted(context.codingPath + [key]), "is required")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return (
                dotted(context.codingPath).isEmpty ? "profile" : dotted(context.codingPath), context.debugDescription
            )
        @unknown default:
            return ("profile", "\(error)")
        }
    }
}

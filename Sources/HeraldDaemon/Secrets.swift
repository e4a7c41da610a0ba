import Foundation
import HeraldCore

/// Secrets come from the environment or from files, never from the config file itself:
/// for a secret NAME, options carry `NAME_env` (a variable's name) or `NAME_file` (a path).
public enum Secrets {
    public static func optional(
        _ name: String, in options: [String: String], field: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String? {
        if let variable = options["\(name)_env"] {
            guard let value = environment[variable], !value.isEmpty else {
                throw HeraldError(
                    code: "secret_missing", message: "environment variable \(variable) is not set", field: field + "_env")
            }
            return value
        }
        if let path = options["\(name)_file"] {
            guard let value = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw HeraldError(code: "secret_missing", message: "cannot read secret file \(path)", field: field + "_file")
            }
            return value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if options[name] != nil {
            throw HeraldError(
                code: "config_invalid", message: "\(name) must come from \(name)_env or \(name)_file, not inline",
                field: field)
        }
        return nil
    }

    public static func required(_ name: String, in options: [String: String], field: String) throws -> String {
        guard let value = try optional(name, in: options, field: field) else {
            throw HeraldError(code: "secret_missing", message: "set \(name)_env or \(name)_file", field: field)
        }
        return value
    }

    /// A random secret created once in the data directory (mode 0600) and reused on every start.
    public static func generatedSecret(named name: String, in directory: URL) throws -> [UInt8] {
        let url = directory.appendingPathComponent(name)
        if let existing = try? String(contentsOf: url, encoding: .utf8), !existing.isEmpty {
            return Array(existing.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        }
        try PrivateFiles.prepareFolder(directory)
        let secret = APIKey.generate()
        try? FileManager.default.removeItem(at: url)  // an empty file left by an interrupted start
        try PrivateFiles.createFile(url, contents: Data(secret.utf8))
        return Array(secret.utf8)
    }
}

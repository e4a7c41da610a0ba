import Foundation
import HeraldCore

/// Secrets come from the environment or from files, never from the config file itself.
public enum Secrets {
    /// `env:NAME` or `file:/path`.
    public static func resolve(_ reference: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> String
    {
        if reference.hasPrefix("env:") {
            let name = String(reference.dropFirst(4))
            guard let value = environment[name], !value.isEmpty else {
                throw HeraldError(code: "secret_missing", message: "environment variable \(name) is not set")
            }
            return value
        }
        if reference.hasPrefix("file:") {
            let path = String(reference.dropFirst(5))
            guard let value = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw HeraldError(code: "secret_missing", message: "cannot read secret file \(path)")
            }
            return value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        throw HeraldError(
            code: "config_invalid", message: "secrets must be env:NAME or file:/path, not inline values")
    }

    /// A random secret created once in the data directory (mode 0600) and reused on every start.
    public static func generatedSecret(named name: String, in directory: URL) throws -> [UInt8] {
        let url = directory.appendingPathComponent(name)
        if let existing = try? String(contentsOf: url, encoding: .utf8), !existing.isEmpty {
            return Array(existing.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let secret = APIKey.generate()
        _ = FileManager.default.createFile(
            atPath: url.path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        return Array(secret.utf8)
    }
}

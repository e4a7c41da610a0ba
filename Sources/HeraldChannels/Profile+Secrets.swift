import Foundation
import HeraldCore

extension Profile {
    /// Resolves the profile's secrets from an instance's options: `NAME_env` names an environment variable,
    /// `NAME_file` a file (surrounding newlines dropped). Throws naming the secret, never its value.
    public func resolveSecrets(
        instanceId: String, options: [String: String], environment: [String: String],
        readFile: (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) }
    ) throws -> [String: String] {
        var resolved: [String: String] = [:]
        for name in secrets {
            let field = "channels.\(instanceId).options.\(name)"
            if let variable = options["\(name)_env"] {
                guard let value = environment[variable], !value.isEmpty else {
                    throw HeraldError(
                        code: "invalid_channel", message: "secret \(name): environment variable \(variable) is not set",
                        field: field + "_env")
                }
                resolved[name] = value
            } else if let path = options["\(name)_file"] {
                guard let text = try? readFile(path) else {
                    throw HeraldError(
                        code: "invalid_channel", message: "secret \(name): cannot read \(path)", field: field + "_file")
                }
                resolved[name] = text.trimmingCharacters(in: .newlines)
            }
        }
        return resolved
    }
}

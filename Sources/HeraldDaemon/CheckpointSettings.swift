import Foundation
import HeraldCore
import Yams

/// The `audit.checkpoints` section: how often the ledger's head is signed, with which key, and where a
/// copy of each checkpoint goes.
///
/// ```yaml
/// audit:
///   checkpoints:
///     interval_seconds: 60
///     signing_key_file: /etc/herald/checkpoint.key   # or signing_key_env: HERALD_CHECKPOINT_KEY
///     witness_file: /var/log/herald/checkpoints.ndjson
/// ```
public struct CheckpointSettings: Sendable {
    public var interval: TimeInterval = 60
    public var witnessFile: URL?
    var keyOptions: [String: String] = [:]
    var dataDirectory: URL

    static let keyFileName = "checkpoint.key"

    private struct Sections: Decodable {
        struct Audit: Decodable { var checkpoints: Section? }
        struct Section: Decodable {
            var intervalSeconds: Double?
            var signingKeyEnv: String?
            var signingKeyFile: String?
            var witnessFile: String?

            enum CodingKeys: String, CodingKey {
                case intervalSeconds = "interval_seconds"
                case signingKeyEnv = "signing_key_env"
                case signingKeyFile = "signing_key_file"
                case witnessFile = "witness_file"
            }
        }
        var audit: Audit?
    }

    public init(_ loaded: LoadedConfig) throws {
        dataDirectory = loaded.dataDirectory
        guard !loaded.yaml.isEmpty else { return }
        let section: Sections.Section?
        do {
            section = try YAMLDecoder().decode(Sections.self, from: loaded.yaml).audit?.checkpoints
        } catch {
            throw HeraldError(code: "config_invalid", message: "audit: \(ConfigErrors.describe(error))")
        }
        guard let section else { return }
        if let seconds = section.intervalSeconds {
            guard seconds >= 1, seconds <= 86_400 else {
                throw HeraldError.invalid(
                    "audit.checkpoints.interval_seconds", "must be 1–86400", code: "config_invalid")
            }
            interval = seconds
        }
        witnessFile = section.witnessFile.map { URL(fileURLWithPath: $0) }
        keyOptions["signing_key_env"] = section.signingKeyEnv
        keyOptions["signing_key_file"] = section.signingKeyFile
    }

    /// The configured key (env or file), else `checkpoint.key` in the data folder, created 0600 on first
    /// use like `admin.key`.
    public func signingKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CheckpointKey {
        if let text = try configuredKeyText(environment: environment) { return try CheckpointKey(base64: text) }
        let url = dataDirectory.appendingPathComponent(Self.keyFileName)
        if let existing = try? String(contentsOf: url, encoding: .utf8), !existing.isEmpty {
            return try CheckpointKey(base64: existing)
        }
        try PrivateFiles.prepareFolder(dataDirectory)
        let key = CheckpointKey()
        try? FileManager.default.removeItem(at: url)  // an empty file left by an interrupted start
        try PrivateFiles.createFile(url, contents: Data((key.encoded + "\n").utf8))
        return key
    }

    /// The public key of the signing key, without creating one: nil when none is configured or generated yet
    /// (a CLI on a fresh data folder).
    public func existingPublicKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> CheckpointPublicKey?
    {
        if let text = try configuredKeyText(environment: environment) { return try CheckpointKey(base64: text).publicKey }
        let url = dataDirectory.appendingPathComponent(Self.keyFileName)
        guard let existing = try? String(contentsOf: url, encoding: .utf8), !existing.isEmpty else { return nil }
        return try CheckpointKey(base64: existing).publicKey
    }

    private func configuredKeyText(environment: [String: String]) throws -> String? {
        try Secrets.optional(
            "signing_key", in: keyOptions, field: "audit.checkpoints.signing_key", environment: environment)
    }
}

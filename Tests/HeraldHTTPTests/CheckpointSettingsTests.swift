import Foundation
import HeraldCore
import HeraldDaemon
import Testing

/// The `audit.checkpoints` config section and where the signing key comes from.
@Suite("Checkpoint settings")
struct CheckpointSettingsTests {
    private func load(_ yaml: String, in directory: URL) throws -> LoadedConfig {
        let file = directory.appendingPathComponent("herald.yaml")
        try (yaml + "\ndata_dir: \(directory.appendingPathComponent("data").path)\n").write(
            to: file, atomically: true, encoding: .utf8)
        return try LoadedConfig.load(path: file.path, environment: [:])
    }

    private func withDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-ckset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    @Test("the shipped example's section loads")
    func exampleLoads() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/herald.example.yaml")
        let settings = try CheckpointSettings(try LoadedConfig.load(path: example.path, environment: [:]))
        #expect(settings.interval == 60)
        #expect(settings.witnessFile?.path == "/var/lib/herald/checkpoints.ndjson")
    }

    @Test("a misspelled key under audit.checkpoints stops the start")
    func typoIsRefused() throws {
        try withDirectory { directory in
            #expect(throws: HeraldError.self) { try load("audit:\n  checkpoints:\n    witnes_file: /tmp/x\n", in: directory) }
            let loaded = try load("audit:\n  checkpoints:\n    interval_seconds: 0\n", in: directory)
            #expect(throws: HeraldError.self) { try CheckpointSettings(loaded) }
        }
    }

    @Test("without a configured key one is generated 0600 in the data folder and reused")
    func generatedKey() throws {
        try withDirectory { directory in
            let settings = try CheckpointSettings(try load("log_level: info", in: directory))
            #expect(try settings.existingPublicKey() == nil)
            let key = try settings.signingKey()
            let file = directory.appendingPathComponent("data/checkpoint.key")
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try settings.signingKey().publicKey == key.publicKey)
            #expect(try settings.existingPublicKey() == key.publicKey)
        }
    }

    @Test("a key from the environment wins, and a malformed one is refused")
    func keyFromEnvironment() throws {
        try withDirectory { directory in
            let settings = try CheckpointSettings(
                try load("audit:\n  checkpoints:\n    signing_key_env: CKPT_KEY\n", in: directory))
            let key = CheckpointKey()
            #expect(try settings.signingKey(environment: ["CKPT_KEY": key.encoded]).publicKey == key.publicKey)
            #expect(throws: HeraldError.self) { try settings.signingKey(environment: ["CKPT_KEY": "not a key"]) }
            #expect(throws: HeraldError.self) { try settings.signingKey(environment: [:]) }
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("data/checkpoint.key").path))
        }
    }
}

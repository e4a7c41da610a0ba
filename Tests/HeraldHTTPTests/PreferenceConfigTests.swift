import Foundation
import HeraldCore
import HeraldDaemon
import Testing

/// `topics:` and `preferences:` in the config file: strict keys, validated topics, keys from env, file or
/// a generated private file.
@Suite("Config: topics and preference keys")
struct PreferenceConfigTests {
    private func load(_ yaml: String, dataDir: URL? = nil) throws -> LoadedConfig {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pref-\(UUID().uuidString).yaml")
        let full = yaml + (dataDir.map { "data_dir: \($0.path)\n" } ?? "")
        try full.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        return try LoadedConfig.load(path: path.path, environment: [:])
    }

    static let topics = """
        topics:
          - id: newsletter
            name: {en: Newsletter, fa: خبرنامه, ar: النشرة الإخبارية, ru: Рассылка}
            description: {en: Monthly news}
            channels: [email, sms]
          - id: offers
            name: Offers
            description: Deals for members

        """

    @Test("declared topics load in order, with their names and channels")
    func loadsTopics() throws {
        let catalog = try PreferenceSettings.topics(try load(Self.topics))
        #expect(catalog.topics.map(\.id) == ["newsletter", "offers"])
        #expect(catalog.topic(id: "newsletter")?.name(in: "ru") == "Рассылка")
        #expect(catalog.topic(id: "newsletter")?.kinds == [.email, .sms])
        #expect(catalog.topic(id: "offers")?.kinds == ChannelKind.allCases)
        #expect(catalog.topic(id: "offers")?.name(in: "fa") == "Offers", "a plain string serves every language")
        #expect(catalog.topic(id: "offers")?.description(in: "ru") == "Deals for members")
        #expect(try PreferenceSettings.topics(try load("listen: 127.0.0.1:0\n")).isEmpty)
    }

    @Test("the shipped example config declares topics that load")
    func exampleTopics() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/herald.example.yaml")
        let catalog = try PreferenceSettings.topics(try LoadedConfig.load(path: example.path, environment: [:]))
        #expect(catalog.topic(id: "newsletter")?.name(in: "fa") == "خبرنامه")
    }

    @Test(
        "an unknown key under topics or preferences stops the start",
        arguments: [
            ("topics:\n  - {id: a, name: {en: A}, chanels: [email]}\n", "topics[0].chanels"),
            ("preferences: {secret: inline}\n", "preferences.secret"),
            ("preferences: {link_tl: 3d}\n", "preferences.link_tl"),
        ])
    func unknownKeys(yaml: String, path: String) throws {
        let error = #expect(throws: HeraldError.self) { try load(yaml) }
        #expect(error?.code == "config_unknown_key")
        #expect(error?.field == path)
    }

    @Test("a duplicate topic or an unknown channel kind is config_invalid")
    func invalidTopics() throws {
        let duplicate = "topics:\n  - {id: a, name: {en: A}}\n  - {id: a, name: {en: B}}\n"
        #expect(throws: HeraldError.self) { try PreferenceSettings.topics(try load(duplicate)) }
        let badKind = "topics:\n  - {id: a, name: {en: A}, channels: [fax]}\n"
        let error = #expect(throws: HeraldError.self) { try PreferenceSettings.topics(try load(badKind)) }
        #expect(error?.code == "config_invalid")
    }

    @Test("without a configured key one is generated once, private to the owner, and reused")
    func generatedKey() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("herald-pref-data-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let loaded = try load("listen: 127.0.0.1:0\n", dataDir: data)
        let first = try PreferenceSettings.keys(loaded, environment: [:])
        let second = try PreferenceSettings.keys(loaded, environment: [:])
        #expect(first.current == second.current && first.current.count >= 32)
        #expect(first.previous == nil)
        #expect(first.linkLifetime == PreferenceKeys.defaultLinkLifetime)
        let file = data.appendingPathComponent("preferences.secret")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test("keys from the environment, with a previous key for rotation and the link lifetime")
    func configuredKeys() throws {
        let yaml = "preferences: {secret_env: PREF_NEW, previous_secret_env: PREF_OLD, link_ttl: 30d}\n"
        let keys = try PreferenceSettings.keys(try load(yaml), environment: ["PREF_NEW": "new-key", "PREF_OLD": "old-key"])
        #expect(keys.current == Array("new-key".utf8))
        #expect(keys.previous == Array("old-key".utf8))
        #expect(keys.linkLifetime == 30 * 86_400)
        let missing = #expect(throws: HeraldError.self) { try PreferenceSettings.keys(try load(yaml), environment: [:]) }
        #expect(missing?.code == "secret_missing")
    }
}

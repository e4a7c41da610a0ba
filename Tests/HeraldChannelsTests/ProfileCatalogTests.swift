import Foundation
import HeraldChannels
import HeraldCore
import Testing

@Suite struct ProfileCatalogTests {
    @Test func loadsEveryShippedProfile() throws {
        let catalog = try ProfileCatalog.load(directory: ChannelsFolder.url)
        #expect(Set(catalog.profiles.keys) == Set(ChannelsFolder.profileIds))
        #expect(try catalog.profile("telegram").addressPrefix == "telegram:")
        #expect(try catalog.profile("kavenegar").kind == .sms)
        #expect(throws: HeraldError.self) { try catalog.profile("nope") }
        for id in ChannelsFolder.profileIds {
            let readme = ChannelsFolder.url.appendingPathComponent("\(id)/README.md").path
            #expect(FileManager.default.fileExists(atPath: readme), "\(id) ships a README")
        }
    }

    static let valid = """
        id: acme
        kind: sms
        base_url: https://sms.example.com
        secrets: [key]
        request:
          path: /send
          body: { to: "{{to}}", text: "{{text}}", key: "{{secret.key}}" }
        response:
          classify:
            - status: 2xx
              outcome: sent
        """

    @Test func acceptsAMinimalProfile() throws {
        let profile = try ProfileCatalog.parse(yaml: Self.valid, file: "acme/profile.yaml")
        #expect(profile.request.encoding == nil)
        #expect(profile.response.classify.first?.status?.contains(204) == true)
    }

    @Test(arguments: [
        ("{{secret.key}}", "{{secret.token}}", "request.body.key", "secrets"),
        ("outcome: sent", "outcome: delivered", "response.classify.0.outcome", ""),
        ("{{text}}", "{{message}}", "request.body.text", "unknown placeholder"),
        ("path: /send", "path: send", "request.path", "must start with /"),
        ("kind: sms", "kind: messenger", "address_prefix", "telegram:"),
        ("base_url: https://sms.example.com\n", "", "base_url", "required"),
    ])
    func rejectsABrokenProfileNamingFileAndField(replacing: String, with: String, field: String, hint: String) {
        let yaml = Self.valid.replacingOccurrences(of: replacing, with: with)
        do {
            _ = try ProfileCatalog.parse(yaml: yaml, file: "acme/profile.yaml")
            Issue.record("accepted a broken profile (\(with))")
        } catch let error as HeraldError {
            #expect(error.code == "invalid_profile")
            #expect(error.field == "acme/profile.yaml: \(field)")
            #expect(error.message.hasPrefix("acme/profile.yaml: \(field)"))
            #expect(hint.isEmpty || error.message.contains(hint), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func folderWithABrokenProfileFailsToLoad() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("profiles-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("acme"), withIntermediateDirectories: true)
        try Self.valid.replacingOccurrences(of: "id: acme", with: "id: other")
            .write(to: dir.appendingPathComponent("acme/profile.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: HeraldError.self) { try ProfileCatalog.load(directory: dir) }
        #expect(error?.field == "acme/profile.yaml: id")
    }
}

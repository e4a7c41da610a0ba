import Foundation
import Testing

/// The shipped provider profiles are part of the binary: a config with an `http` channel works from any
/// directory, and `profiles_dir` adds to or overrides them.
@Suite("Built-in profiles")
struct BuiltInProfilesTests {
    private func runCheck(config: String) throws -> (output: String, directory: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-profiles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("herald.yaml")
        try config.replacingOccurrences(of: "DIR", with: directory.path).write(to: path, atomically: true, encoding: .utf8)
        let extra = directory.appendingPathComponent("extra/acme-sms")
        try FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
        try (try Self.acmeProfile).write(to: extra.appendingPathComponent("profile.yaml"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = DaemonProcess.binary
        process.arguments = ["channels", "check", "--config", path.path]
        process.currentDirectoryURL = directory  // no channels/ folder here
        process.environment = ["KAVENEGAR_API_KEY": "k", "PATH": "/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (output, directory.path)
    }

    @Test("an http channel's profile is found outside the checkout, and check says it is built in")
    func builtInOutsideTheCheckout() throws {
        let (output, _) = try runCheck(
            config: """
                data_dir: DIR/data
                channels:
                  - {id: sms-ir, kind: sms, driver: http, profile: kavenegar, options: {api_key_env: KAVENEGAR_API_KEY, from: "1000", base_url: "http://127.0.0.1:1"}}
                """)
        #expect(!output.contains("cannot read the profiles folder"), "\(output)")
        #expect(output.contains("kavenegar: built-in"), "\(output)")
    }

    @Test("profiles_dir adds profiles beside the built-in ones and says where each came from")
    func profilesDirAdds() throws {
        let (output, directory) = try runCheck(
            config: """
                data_dir: DIR/data
                profiles_dir: DIR/extra
                channels:
                  - {id: log-sms, kind: sms, driver: log}
                """)
        #expect(output.contains("acme-sms: \(directory)/extra"), "\(output)")
        #expect(output.contains("twilio: built-in"), "\(output)")
    }

    /// The generic JSON profile under another id: a provider the binary does not ship.
    static var acmeProfile: String {
        get throws {
            let generic = DaemonProcess.binary.deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("channels/generic-json/profile.yaml")
            return try String(contentsOf: generic, encoding: .utf8)
                .replacingOccurrences(of: "id: generic-json", with: "id: acme-sms")
        }
    }
}

import Foundation
import Testing

/// `herald templates push` keeps templates in git: new versions only for files that changed, everything
/// validated before anything is saved; `herald enqueue` (and `--dry-run`) resolves a job's template like the
/// API does.
@Suite struct TemplatesCommandTests {
    static func herald(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = DaemonProcess.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let welcome = """
        note: first cut
        content:
          sms:
            text: "Welcome {{attributes.name | default: 'friend'}}"
            locales:
              fa:
                text: |-
                  {{attributes.name}} عزیز، خوش آمدی
        """

    @Test func pushSavesChangedFilesOnlyAndEnqueueResolvesTemplates() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-templates-\(UUID().uuidString)")
        let templates = directory.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.welcome.write(to: templates.appendingPathComponent("welcome.yaml"), atomically: true, encoding: .utf8)
        try #"{"content": {"email": {"subject": "Reset", "text": "Code {{attributes.code}}"}}}"#
            .write(to: templates.appendingPathComponent("reset.json"), atomically: true, encoding: .utf8)

        let first = try Self.herald(["templates", "push", "templates", "--author", "ci"], in: directory)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output == "reset: saved version 1\nwelcome: saved version 1\n")

        let again = try Self.herald(["templates", "push", "templates"], in: directory)
        #expect(again.output == "reset: unchanged (version 1)\nwelcome: unchanged (version 1)\n")

        try Self.welcome.replacingOccurrences(of: "Welcome", with: "Hello")
            .write(to: templates.appendingPathComponent("welcome.yaml"), atomically: true, encoding: .utf8)
        try "content: {sms: {text: '{{#broken}}'}}"
            .write(to: templates.appendingPathComponent("zz-broken.yml"), atomically: true, encoding: .utf8)
        let refused = try Self.herald(["templates", "push", "templates"], in: directory)
        #expect(refused.status != 0)
        #expect(refused.output.contains("zz-broken.yml"))
        #expect(refused.output.contains("content.sms.text"))

        try FileManager.default.removeItem(at: templates.appendingPathComponent("zz-broken.yml"))
        let edited = try Self.herald(["templates", "push", "templates"], in: directory)
        #expect(edited.output == "reset: unchanged (version 1)\nwelcome: saved version 2\n", "nothing was saved by the refused push")

        let job = #"{"idempotency_key": "w1", "purpose": "transactional", "audience": {"contact_ids": ["u1"]}, "channels": ["sms"], "template": {"id": "welcome", "version": 1}}"#
        try job.write(to: directory.appendingPathComponent("job.json"), atomically: true, encoding: .utf8)
        let dryRun = try Self.herald(["enqueue", "--dry-run", "job.json"], in: directory)
        #expect(dryRun.status == 0, "\(dryRun.output)")
        let report = try JSONSerialization.jsonObject(with: Data(dryRun.output.utf8)) as? [String: Any]
        #expect(report?["audience"] as? Int == 1)
        #expect(report?["by_suppression_reason"] as? [String: Int] == ["no_address": 1])
        // The dry run created no job: the real one is job 1.
        let enqueued = try Self.herald(["enqueue", "job.json"], in: directory)
        #expect(enqueued.status == 0, "\(enqueued.output)")
        #expect(enqueued.output.contains("job 1 accepted"))

        try job.replacingOccurrences(of: #""welcome""#, with: #""nope""#).replacingOccurrences(of: "w1", with: "w2")
            .write(to: directory.appendingPathComponent("job.json"), atomically: true, encoding: .utf8)
        let unknown = try Self.herald(["enqueue", "job.json"], in: directory)
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("template_not_found"))
    }
}

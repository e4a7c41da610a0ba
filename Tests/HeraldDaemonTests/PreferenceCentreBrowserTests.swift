import Foundation
import Testing

/// SPEC §9 end to end with the real binary and a real browser: the link in a sent marketing email opens the
/// preference page in headless Chromium, a click on a topic's label and on "save" submits the form, and the
/// next marketing job for that topic suppresses the contact `opted_out`.
@Suite("Preference centre in a real browser", .enabled(if: PreferenceBrowser.available, "needs Debian's chromium"))
struct PreferenceCentreBrowserTests {
    static let config = """
        topics:
          - id: newsletter
            name: {en: Newsletter, fa: خبرنامه, ar: النشرة الإخبارية, ru: Рассылка}
            description: {en: Monthly news, fa: خبرهای ماهانه}
            channels: [email]
          - id: offers
            name: {en: Offers, fa: پیشنهادها}
            channels: [email]
        policy: {quiet_hours: [], caps: []}

        """

    static func job(_ key: String) -> String {
        """
        {"idempotency_key": "\(key)", "purpose": "marketing", "topic": "newsletter",
         "audience": {"contact_ids": ["maryam"]}, "channels": ["email"],
         "content": {"email": {"subject": "خبرنامهٔ ماه", "text": "سلام! تنظیمات اشتراک: {{preferences_url}}",
                               "html": "<p>سلام! <a href=\\"{{preferences_url}}\\">تنظیمات اشتراک</a></p>"}}}
        """
    }

    @Test("open the emailed link, untick the newsletter, save: the next newsletter is suppressed opted_out")
    func changeInBrowserReachesPolicy() async throws {
        let daemon = try DaemonProcess()
        try Self.config.write(to: daemon.directory.appendingPathComponent("herald.yaml"), atomically: true, encoding: .utf8)
        try await daemon.start(arguments: ["--config", "herald.yaml"])
        defer { _ = daemon.terminate() }
        let key = try daemon.adminKey
        let contact = #"{"email": "maryam@example.ir", "locale": "fa-IR", "timezone": "Asia/Tehran"}"#
        #expect(try await HTTP.request("PUT", "\(daemon.base)/v1/contacts/maryam", body: contact, key: key).status == 200)
        let consent = #"{"contact_id": "maryam", "channel": "email", "topic": "newsletter", "status": "granted", "source": "signup_form"}"#
        #expect(try await HTTP.post("\(daemon.base)/v1/consents", consent, key: key).status == 201)
        #expect(try await HTTP.post("\(daemon.base)/v1/jobs", Self.job("issue-1"), key: key).status == 202)

        // The link as the email carried it.
        let sent = try await Self.waitForEmail(daemon)
        let text = try #require(sent["text"] as? String)
        let link = try #require(text.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+\/p\/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+/)).output
        #expect((sent["html"] as? String)?.contains(String(link)) == true)

        if let directory = ProcessInfo.processInfo.environment["HERALD_UI_SCREENSHOTS"] {
            try await PreferenceBrowser.screenshot(String(link), to: "\(directory)/preference-centre.png")
        }
        let before = try await PreferenceBrowser.run(String(link), steps: [])
        #expect(before.contains(#"dir="rtl""#) && before.contains("خبرنامه") && before.contains("پیشنهادها"))
        #expect(before.contains("<label for=") && before.contains(#"class="state granted""#))

        // What a person does: tap the newsletter's label (unticking it), then the save button.
        let untickAndSave = """
            (() => {
              const box = document.querySelector('input[value="email:newsletter"]');
              if (!box.checked) throw new Error('the granted newsletter should start ticked');
              document.querySelector('label[for="' + box.id + '"]').click();
              if (box.checked) throw new Error('the label did not untick its checkbox');
              document.querySelector('button[value="save"]').click();
            })()
            """
        let after = try await PreferenceBrowser.run(String(link), steps: [untickAndSave])
        #expect(after.contains(#"role="status""#), "the page says the choices are saved")
        #expect(after.contains(#"class="state opted_out""#) && !after.contains(#"class="state granted""#))

        let history = try await HTTP.get("\(daemon.base)/v1/contacts/maryam/consents", key: key).body
        #expect(history.contains(#""source":"preference_centre""#))
        #expect(history.contains("HeadlessChrome"), "the browser's user agent is in the evidence")

        let next = try await HTTP.post("\(daemon.base)/v1/jobs", Self.job("issue-2"), key: key)
        #expect(next.status == 202)
        let id = try #require((try JSONSerialization.jsonObject(with: Data(next.body.utf8)) as? [String: Any])?["id"] as? Int)
        let view = try await Self.waitForJob(daemon, id: id, key: key)
        #expect(view.contains(#""opted_out":1"#), "second job: \(view)")
    }

    static func waitForEmail(_ daemon: DaemonProcess) async throws -> [String: Any] {
        let outbox = daemon.directory.appendingPathComponent("herald-data/outbox-email.ndjson")
        for _ in 0..<300 {
            if let line = (try? String(contentsOf: outbox, encoding: .utf8))?.split(separator: "\n").first,
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let content = object["content"] as? [String: Any]
            {
                return content
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DaemonProcess.DaemonError.notStarted
    }

    static func waitForJob(_ daemon: DaemonProcess, id: Int, key: String) async throws -> String {
        var last = ""
        for _ in 0..<300 {
            last = try await HTTP.get("\(daemon.base)/v1/jobs/\(id)", key: key).body
            if last.contains(#""status":"completed""#) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }
}

/// Headless Chromium driven over the DevTools protocol by Support/browser/cdp_steps.py: loads a page, runs
/// JavaScript steps that click like a person would, waits for each navigation, returns the final HTML.
enum PreferenceBrowser {
    /// The browser binary itself: Debian's /usr/bin/chromium wrapper does not pass the debugging pipe on.
    static let path = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { path != nil }
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/browser/cdp_steps.py")

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// A phone-sized picture of the page (how docs/ got its screenshot).
    static func screenshot(_ url: String, to file: String) async throws {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        try await launch(
            path!, [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                "--hide-scrollbars", "--window-size=390,760", "--screenshot=\(file)", url,
            ])
    }

    static func run(_ url: String, steps: [String]) async throws -> String {
        let stepsJSON = String(decoding: try JSONSerialization.data(withJSONObject: steps), as: UTF8.self)
        let (status, html, message) = try await launch("/usr/bin/env", ["python3", script.path, path!, url, stepsJSON])
        guard status == 0 else { throw Failure(description: "browser steps failed: \(message)") }
        return html
    }

    /// Runs a process to its end on a background thread, so the cooperative pool is never blocked.
    @discardableResult
    private static func launch(_ executable: String, _ arguments: [String]) async throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        return try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<(Int32, String, String), any Error>) in
            DispatchQueue.global().async {
                do {
                    try process.run()
                    let html = output.fileHandleForReading.readDataToEndOfFile()
                    let message = errors.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    let result = (process.terminationStatus, String(decoding: html, as: UTF8.self), String(decoding: message, as: UTF8.self))
                    continuation.resume(returning: result)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

import Foundation
import Testing

/// scripts/webhook-receiver.py in a child process: a real HTTP receiver that verifies every POST with the
/// `standardwebhooks` PyPI package (not Herald's code) and records the events it accepted.
final class WebhookReceiver: @unchecked Sendable {
    struct Event: Decodable, Hashable {
        var id: String
        var type: String
        var deliveryId: Int64?
        var jobId: Int64?

        enum CodingKeys: String, CodingKey {
            case id, type
            case deliveryId = "delivery_id"
            case jobId = "job_id"
        }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/webhook-receiver.py")

    let directory: URL
    let secret: String
    private(set) var port = 0
    private let process = Process()

    /// After this many accepted POSTs the receiver starts answering 500 by itself (nil: never).
    let failAfter: Int?

    /// A fresh `whsec_` secret shared by the receiver and the daemon under test.
    init(failAfter: Int? = nil) throws {
        self.failAfter = failAfter
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-hooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        secret = "whsec_" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    func start() async throws {
        let portFile = directory.appendingPathComponent("port")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sh", "-c", "exec python3 \"$0\" \"$1\" > \"$2\"", Self.script.path, directory.path, portFile.path]
        var environment = ["WEBHOOK_SECRET": secret]
        environment["FAIL_AFTER"] = failAfter.map(String.init)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        for _ in 0..<200 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                self.port = port
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the webhook receiver did not start: scripts/setup.sh installs python3's standardwebhooks")
        throw DaemonProcess.DaemonError.notStarted
    }

    /// While failing, every verified POST is answered 500.
    func setFailing(_ failing: Bool) throws {
        let flag = directory.appendingPathComponent("fail")
        if failing {
            try Data().write(to: flag)
        } else {
            try? FileManager.default.removeItem(at: flag)
        }
    }

    /// Every event accepted so far, duplicates included.
    func events() -> [Event] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("events.jsonl"), encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
    }

    var badSignatures: Int {
        ((try? String(contentsOf: directory.appendingPathComponent("bad_signatures"), encoding: .utf8)) ?? "")
            .split(separator: "\n").count
    }

    /// Polls (asynchronously) until `condition` holds over the received events.
    func waitFor(seconds: Double, _ condition: ([Event]) -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(events()) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return condition(events())
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}

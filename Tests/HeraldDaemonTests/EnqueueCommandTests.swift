import Foundation
import Testing

/// `herald enqueue` reads a job file as `POST /v1/jobs` reads a body: a key given twice and a callback naming
/// no configured webhook are refused, and nothing is stored.
@Suite struct EnqueueCommandTests {
    private static let job = #"{"idempotency_key": "k1", "purpose": "transactional", "audience": {"contact_ids": ["u1"]}, "channels": ["sms"], "content": {"sms": {"text": "hi"}}"#

    private func enqueue(_ body: String) throws -> (status: Int32, output: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-enqueue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body.write(to: directory.appendingPathComponent("job.json"), atomically: true, encoding: .utf8)
        return try TemplatesCommandTests.herald(["enqueue", "job.json"], in: directory)
    }

    @Test func aKeyGivenTwiceIsRefused() throws {
        let refused = try enqueue(Self.job + #", "purpose": "marketing"}"#)
        #expect(refused.status != 0)
        #expect(refused.output.contains("duplicate_key") || refused.output.contains("given twice"), "\(refused.output)")
        #expect(!refused.output.contains("accepted"))
    }

    @Test func aCallbackToAnUnknownWebhookIsRefused() throws {
        let refused = try enqueue(Self.job + #", "callback": {"webhook": "nowhere"}}"#)
        #expect(refused.status != 0)
        #expect(refused.output.contains("callback.webhook"), "\(refused.output)")
        let accepted = try enqueue(Self.job + "}")
        #expect(accepted.status == 0, "\(accepted.output)")
        #expect(accepted.output.contains("job 1 accepted"))
    }
}

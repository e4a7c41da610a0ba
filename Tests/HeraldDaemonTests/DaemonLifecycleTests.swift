import Foundation
import Testing

/// SPEC §7 with the real binary: an accepted job survives `kill -9`, and SIGTERM shuts down cleanly.
@Suite(.serialized) struct DaemonLifecycleTests {
    static func contacts(_ count: Int) -> String {
        (0..<count).map { #"{"id":"c\#($0)","phone":"+98912\#(String(format: "%07d", $0))"}"# }.joined(separator: "\n")
    }

    static func job(_ count: Int, key: String, sendAt: String? = nil) -> String {
        let ids = (0..<count).map { "\"c\($0)\"" }.joined(separator: ",")
        let when = sendAt.map { #","send_at":"\#($0)""# } ?? ""
        return #"{"idempotency_key":"\#(key)","purpose":"transactional","audience":{"contact_ids":[\#(ids)]},"channels":["sms"],"content":{"sms":{"text":"کد شما ۱۲۳۴"}}\#(when)}"#
    }

    /// Every delivery id the log channel wrote, with how often.
    static func outboxCounts(_ daemon: DaemonProcess) throws -> [Int: Int] {
        let url = daemon.directory.appendingPathComponent("herald-data/outbox-sms.ndjson")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var counts: [Int: Int] = [:]
        for line in text.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if let id = object?["delivery_id"] as? Int { counts[id, default: 0] += 1 }
        }
        return counts
    }

    static func waitForCompletion(_ daemon: DaemonProcess, job: Int, key: String, seconds: Double) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try await HTTP.get("\(daemon.base)/v1/jobs/\(job)", key: key).body
            if last.contains(#""status":"completed""#) { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        return last
    }

    @Test func anAcceptedJobSurvivesKill9AndIsSentAfterRestart() async throws {
        let daemon = try DaemonProcess()
        try await daemon.start()
        let key = try daemon.adminKey
        #expect(try await HTTP.post("\(daemon.base)/v1/contacts/batch", Self.contacts(200), key: key).status == 200)
        // Due in two seconds: the kill lands while everything is still waiting.
        let sendAt = Timestamp.iso(Date().addingTimeInterval(2))
        let accepted = try await HTTP.post("\(daemon.base)/v1/jobs", Self.job(200, key: "kill9", sendAt: sendAt), key: key)
        #expect(accepted.status == 202)
        daemon.kill9()

        try await daemon.start()
        let view = try await Self.waitForCompletion(daemon, job: 1, key: key, seconds: 120)
        #expect(view.contains(#""sent":200"#), "job after restart: \(view)")
        let counts = try Self.outboxCounts(daemon)
        #expect(counts.count == 200)
        #expect(counts.values.allSatisfy { $0 == 1 })
        #expect(daemon.terminate() == 0)
    }

    @Test func sigtermDrainsAndExitsCleanly() async throws {
        let daemon = try DaemonProcess()
        try await daemon.start()
        let key = try daemon.adminKey
        #expect(try await HTTP.post("\(daemon.base)/v1/contacts/batch", Self.contacts(50), key: key).status == 200)
        #expect(try await HTTP.post("\(daemon.base)/v1/jobs", Self.job(50, key: "term"), key: key).status == 202)
        _ = try await Self.waitForCompletion(daemon, job: 1, key: key, seconds: 60)
        #expect(daemon.terminate() == 0)
        // The store was closed cleanly: a new process opens it and sees every delivery sent.
        try await daemon.start()
        let view = try await HTTP.get("\(daemon.base)/v1/jobs/1", key: key).body
        #expect(view.contains(#""sent":50"#))
        #expect(daemon.terminate() == 0)
    }
}

enum Timestamp {
    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

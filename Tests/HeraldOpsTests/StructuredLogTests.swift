import Foundation
import HeraldCore
import HeraldStoreSQLite
import HeraldDaemon
import HeraldEngine
import InMemoryLogging
import Logging
import Testing

@Suite("Structured logs")
struct StructuredLogTests {
    @Test("a failing delivery logs a warning with job, delivery and channel ids, and never the body or full address")
    func failingDelivery() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "herald", factory: { _ in handler })
        logger.logLevel = .debug
        let fixture = try await OpsFixture(logger: logger)
        defer { Task { await fixture.close() } }
        let job = try await fixture.seed()
        try await fixture.runJob()

        let entries = handler.entries
        let failures = entries.filter { $0.level == .warning && "\($0.message)" == "delivery failed" }
        try #require(failures.count == 1)
        let metadata = failures[0].metadata
        #expect(metadata["job.id"]?.description == "\(job.id)")
        #expect(metadata["channel.id"]?.description == "mail-main")
        #expect(metadata["delivery.id"] != nil)
        // One debug event per state change: 3 queued + 3 sending + 2 sent.
        #expect(entries.filter { $0.level == .debug && "\($0.message)".hasPrefix("delivery ") }.count == 8)

        let everything = entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(!everything.contains(OpsFixture.failingAddress))
        #expect(!everything.contains("anna@example.com"))
        #expect(!everything.contains("4242"))
        #expect(everything.contains(Redaction.mask(OpsFixture.failingAddress)))
    }

    @Test("the JSON handler writes one object per line with the metadata keys flattened")
    func jsonLines() throws {
        let lines = LineSink()
        var handler = JSONLogHandler(label: "herald", write: { lines.append($0) })
        handler.logLevel = .debug
        let logger = Logger(label: "herald", factory: { _ in handler })
        logger.warning("delivery failed", metadata: ["job.id": "12", "delivery.id": "40", "channel.id": "sms-main"])
        let written = lines.all
        try #require(written.count == 1)
        #expect(written[0].hasSuffix("\n") && !written[0].dropLast().contains("\n"))
        let object = try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: String]
        #expect(object?["level"] == "warning")
        #expect(object?["msg"] == "delivery failed")
        #expect(object?["job.id"] == "12")
        #expect(object?["delivery.id"] == "40")
        #expect(object?["channel.id"] == "sms-main")
        #expect(object?["ts"] != nil)
    }
}

final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

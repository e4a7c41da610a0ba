import Foundation
import HeraldChannels
import HeraldCore

#if canImport(Glibc)
import Glibc
#endif

/// `SMTPDriver` (libcurl, pooled connections, STARTTLS off) against Postfix's `smtp-sink` on loopback,
/// beside `smtp-source -d` (reused sessions) sending messages of the same size to the same sink.
enum SMTPDriverBench {
    static let sender = "bench@herald.example"
    static let recipient = "user@example.net"

    static func run(messages count: Int, pool: Int, rounds: Int) async throws -> [Row] {
        let sinkPath = try LoopbackTool.find("smtp-sink")
        let sourcePath = try LoopbackTool.find("smtp-source")
        let port = try LoopbackTool.freePort()
        // smtp-sink refuses to run as root without -u; it drops to that user after binding.
        let root = getuid() == 0
        let sink = try LoopbackTool.start(sinkPath, (root ? ["-u", "nobody"] : []) + ["127.0.0.1:\(port)", "512"])
        defer { LoopbackTool.stop(sink) }
        try await LoopbackTool.waitUntilListening(port: port)

        let config = SMTPConfig(
            url: "smtp://127.0.0.1:\(port)", starttls: .off, from: sender, fromName: "Herald Bench", timeoutSeconds: 30,
            poolSize: pool)
        let driver = try SMTPDriver(id: "bench-email", config: config)
        let batch = (0..<count).map(message)
        let size = messageSize()

        _ = await DriverBench.drive(Array(batch.prefix(500)), concurrency: pool) { await driver.send($0) }
        var driverRounds: [DriverBench.Round] = []
        var batchRounds: [DriverBench.Round] = []
        var sourceRates: [Double] = []
        for _ in 0..<rounds {
            driverRounds.append(await DriverBench.drive(batch, concurrency: pool) { await driver.send($0) })
            batchRounds.append(await DriverBench.driveBatches(batch, size: 500, streams: 2) {
                await driver.send(batch: $0, concurrency: pool)
            })
            let (_, seconds) = try await LoopbackTool.run(
                sourcePath,
                ["-d", "-s", "\(pool)", "-m", "\(count)", "-l", "\(size)", "-f", sender, "-t", recipient, "127.0.0.1:\(port)"],
                limit: .seconds(300))
            sourceRates.append(Double(count) / seconds)
        }
        await driver.shutdown()

        let source = Measure.median(sourceRates)
        let rate = DriverBench.medianRate(driverRounds)
        let batchRate = DriverBench.medianRate(batchRounds)
        let shape = "\(count) msgs × \(rounds) rounds, \(size)-byte multipart text+html, STARTTLS off"
        let sourceNote = sourceRates.map { String(format: "%.0f", $0) }.joined(separator: " / ")
        return [
            Row(scenario: "SMTP raw limit (smtp-source)", metric: "msgs/s", median: source, unit: "/s",
                note: "smtp-source -d -s \(pool) -m \(count) -l \(size) to the same smtp-sink; rounds \(sourceNote)"),
            Row(scenario: "SMTPDriver (libcurl, pool \(pool))", metric: "msgs/s", median: rate, unit: "/s",
                note: "\(DriverBench.percent(rate, of: source)) of smtp-source; \(pool) tasks calling send; \(shape); \(DriverBench.describe(driverRounds))"),
            Row(scenario: "SMTPDriver, batches", metric: "msgs/s", median: batchRate, unit: "/s",
                note: "\(DriverBench.percent(batchRate, of: source)) of smtp-source; send(batch:), batches of 500, 2 at a time (as the dispatcher's two loops hand claimed batches over); \(shape); \(DriverBench.describe(batchRounds))"),
        ]
    }

    static let subject = "رسید سفارش شما / Your receipt #1234"
    static let text = String(repeating: "Thank you for your order. Your receipt number is 1234. ", count: 6)
    static let html = "<html><body><p>" + String(repeating: "Thank you for your <b>order</b>. Receipt 1234. ", count: 10)
        + "</p></body></html>"

    static func message(_ index: Int) -> OutboundMessage {
        OutboundMessage(
            deliveryId: Int64(index + 1), jobId: 1, contactId: String(format: "c%08d", index), channel: .email,
            purpose: .transactional, topic: nil, addresses: [recipient],
            content: .email(subject: subject, text: text, html: html), unsubscribeURL: nil,
            idempotencyKey: "bench-\(index)", attempt: 1)
    }

    /// Bytes on the wire for one of our messages, so smtp-source sends the same amount.
    static func messageSize() -> Int {
        let builder = MIMEBuilder(
            fromAddress: sender, fromName: "Herald Bench", to: [recipient], subject: subject, text: text, html: html,
            date: Date(), messageId: "delivery-1.0123456789abcdef@herald.example", boundary: "=_herald_0123456789abcdef")
        return builder.build().rendered.utf8.count
    }
}

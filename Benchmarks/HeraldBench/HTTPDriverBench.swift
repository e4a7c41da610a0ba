import Foundation
import HeraldChannels
import HeraldCore
import HeraldEngine
import NIOCore

/// `HTTPProfileDriver` with the generic-json profile against a local nginx answering 200 `{"id":"x"}`,
/// bare and behind the engine's `InstanceGuard`, beside `wrk` POSTing the same request at the same
/// concurrency to the same nginx.
enum HTTPDriverBench {
    static let smsText = "سارا عزیز، کد شما ۱۲۳۴ است. Herald"

    static func run(messages count: Int, concurrency: Int, rounds: Int, wrkSeconds: Int) async throws -> [Row] {
        let nginxPath = try LoopbackTool.find("nginx")
        let wrkPath = try LoopbackTool.find("wrk")
        let directory = Measure.temporaryDirectory("nginx")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try LoopbackTool.freePort()
        let conf = directory.appendingPathComponent("nginx.conf")
        try NginxSinkConfig.make(
            port: port, directory: directory.path, path: "/messages", contentType: "application/json", body: #"{"id":"x"}"#
        ).write(to: conf, atomically: true, encoding: .utf8)
        let nginx = try LoopbackTool.start(nginxPath, ["-p", directory.path, "-c", conf.path, "-g", "daemon off;"])
        defer { LoopbackTool.stop(nginx) }
        try await LoopbackTool.waitUntilListening(port: port)

        let profile = try ProfileCatalog.parse(
            yaml: String(contentsOf: DriverBench.channelsDirectory.appendingPathComponent("generic-json/profile.yaml"), encoding: .utf8),
            file: "generic-json/profile.yaml")
        // As the daemon builds a profile instance: Herald's HTTP/1.1 pool on SwiftNIO's event loops.
        let poolDriver = try HTTPProfileDriver(
            profile: profile, instanceId: "bench-sms-pool", baseURL: "http://127.0.0.1:\(port)",
            options: ["from": "Herald"], secrets: ["api_token": "bench-token"], connections: concurrency)
        let guarded = InstanceGuard(driver: poolDriver, ratePerSecond: nil, concurrency: concurrency)
        let batch = (0..<count).map(message)

        // Warm-up: opens the connections and faults in code paths.
        _ = await DriverBench.drive(Array(batch.prefix(2_000)), concurrency: concurrency) { await poolDriver.send($0) }
        var perMessage: [DriverBench.Round] = []
        var batches: [DriverBench.Round] = []
        var behindGuard: [DriverBench.Round] = []
        // HERALD_BENCH_HTTP_DAEMON_PATH_ONLY=1 runs only the daemon's path (for profiling it).
        let daemonPathOnly = ProcessInfo.processInfo.environment["HERALD_BENCH_HTTP_DAEMON_PATH_ONLY"] == "1"
        let script = directory.appendingPathComponent("post.lua")
        try wrkScript(try sampleRequest(profile: profile, port: port)).write(to: script, atomically: true, encoding: .utf8)
        // The raw limit is measured once per round, right after that round's drivers, so each round's
        // machine load touches both sides; the row reports the median.
        var wrkRates: [Double] = []
        var non2xx = 0
        for _ in 0..<rounds {
            behindGuard.append(await DriverBench.driveBatches(batch, size: 500, streams: 2) {
                await guarded.send(batch: $0, now: { Date() }).map { $0 ?? SendResult(outcome: .retry, error: "breaker open") }
            })
            if !daemonPathOnly {
                batches.append(await DriverBench.driveBatches(batch, size: 500, streams: 2) {
                    await poolDriver.send(batch: $0, concurrency: concurrency)
                })
                perMessage.append(await DriverBench.drive(batch, concurrency: concurrency) { await poolDriver.send($0) })
            }
            let (output, _) = try await LoopbackTool.run(
                wrkPath,
                ["-t2", "-c\(concurrency)", "-d\(wrkSeconds)s", "-s", script.path, "http://127.0.0.1:\(port)/messages"],
                limit: .seconds(wrkSeconds + 30))
            let measured = try parseWrk(output)
            wrkRates.append(measured.rate)
            non2xx += measured.non2xx ?? 0
        }

        await poolDriver.shutdown()

        let wrk = (rate: Measure.median(wrkRates), non2xx: non2xx > 0 ? non2xx : nil)
        let perMessageRate = DriverBench.medianRate(perMessage)
        let batchRate = DriverBench.medianRate(batches)
        let guardRate = DriverBench.medianRate(behindGuard)
        let shape = "\(count) msgs × \(rounds) rounds, \(concurrency) connections"
        let inBatches = "batches of 500, 2 at a time (as the dispatcher's two loops hand claimed batches over)"
        var rows = [
            Row(scenario: "HTTP raw limit (wrk)", metric: "requests/s", median: wrk.rate, unit: "/s",
                note: "wrk -t2 -c\(concurrency) -d\(wrkSeconds)s after each round, same POST (headers + body) to the same nginx; rounds \(wrkRates.map { String(format: "%.0f", $0) }.joined(separator: " / "))\(wrk.non2xx.map { "; \($0) non-2xx" } ?? "")"),
            Row(scenario: "InstanceGuard → HTTPProfileDriver, batches (the daemon's path)", metric: "msgs/s",
                median: guardRate, unit: "/s",
                note: "\(DriverBench.percent(guardRate, of: wrk.rate)) of wrk; \(inBatches); rate unlimited, concurrency \(concurrency); \(shape); \(DriverBench.describe(behindGuard))"),
        ]
        if !daemonPathOnly {
            rows += [
                Row(scenario: "HTTPProfileDriver, batches", metric: "msgs/s", median: batchRate, unit: "/s",
                    note: "\(DriverBench.percent(batchRate, of: wrk.rate)) of wrk; send(batch:), \(inBatches); \(shape); \(DriverBench.describe(batches))"),
                Row(scenario: "HTTPProfileDriver, one send per message", metric: "msgs/s", median: perMessageRate, unit: "/s",
                    note: "\(DriverBench.percent(perMessageRate, of: wrk.rate)) of wrk; \(concurrency) tasks calling send; \(shape); \(DriverBench.describe(perMessage))"),
            ]
        }
        return rows
    }

    static func message(_ index: Int) -> OutboundMessage {
        OutboundMessage(
            deliveryId: Int64(index + 1), jobId: 1, contactId: String(format: "c%08d", index), channel: .sms,
            purpose: .transactional, topic: nil, addresses: ["+98912\(String(format: "%07d", index))"],
            content: .sms(text: smsText), unsubscribeURL: nil, idempotencyKey: "bench-\(index)", attempt: 1)
    }

    /// The request the driver builds for one message, so wrk sends the same bytes.
    static func sampleRequest(profile: Profile, port: Int) throws -> PreparedRequest {
        let fields = [
            "to": "+989120000001", "to_digits": "989120000001", "text": smsText, "idempotency_key": "bench-1",
            "delivery_id": "1", "job_id": "1", "attempt": "1",
        ]
        let values = TemplateValues(fields: fields, options: ["from": "Herald"], secrets: ["api_token": "bench-token"])
        return try profile.prepareSend(baseURL: "http://127.0.0.1:\(port)", values: values)
    }

    static func wrkScript(_ request: PreparedRequest) -> String {
        var lines = ["wrk.method = \"\(request.method)\""]
        for header in request.headers { lines.append("wrk.headers[\"\(header.name)\"] = [==[\(header.value)]==]") }
        lines.append("wrk.body = [==[\(String(decoding: request.body ?? [], as: UTF8.self))]==]")
        return lines.joined(separator: "\n") + "\n"
    }

    static func parseWrk(_ output: String) throws -> (rate: Double, non2xx: Int?) {
        var rate: Double?
        var non2xx: Int?
        for line in output.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("Requests/sec:") { rate = Double(trimmed.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)) }
            if trimmed.hasPrefix("Non-2xx or 3xx responses:") { non2xx = Int(trimmed.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }
        }
        guard let rate else { throw HeraldBenchError("no Requests/sec in wrk output: \(output.prefix(300))") }
        return (rate, non2xx)
    }
}

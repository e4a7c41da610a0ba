import Foundation
import HeraldCore

/// `herald-bench drivers`: channel drivers against loopback sinks, each beside the raw limit of the
/// same sink measured in the same run. Needs nginx, wrk and Postfix's smtp-sink/smtp-source
/// (scripts/bench-setup.sh); a missing tool is reported as a skipped row, never as a number.
enum DriverBench {
    struct Round {
        var seconds: Double
        var sent: Int
        var failed: Int
        /// CPU this process spent during the round (driver, client and event loops; not the sink).
        var cpuSeconds: Double = 0
        /// Only messages the sink accepted count.
        var rate: Double { Double(sent) / seconds }
    }

    static func run() async -> [Row] {
        let environment = ProcessInfo.processInfo.environment
        // Rounds of a few seconds each, like wrk's: rounds of a fraction of a second swung 41–53% of wrk
        // from run to run on the shared 2-core machine.
        let httpMessages = Int(environment["HERALD_BENCH_HTTP_MESSAGES"] ?? "") ?? 100_000
        let httpRounds = Int(environment["HERALD_BENCH_HTTP_ROUNDS"] ?? "") ?? 5
        let concurrency = Int(environment["HERALD_BENCH_HTTP_CONCURRENCY"] ?? "") ?? 64
        let smtpMessages = Int(environment["HERALD_BENCH_SMTP_MESSAGES"] ?? "") ?? 20_000
        let pool = Int(environment["HERALD_BENCH_SMTP_POOL"] ?? "") ?? 8
        // HERALD_BENCH_ONLY=http|smtp runs one half (for profiling).
        let only = environment["HERALD_BENCH_ONLY"]
        var rows: [Row] = []
        if only != "smtp" { do {
            rows += try await ProfileCodecBench.run(calls: 100_000, rounds: 3)
        } catch {
            rows.append(skipped("profile codec", error))
        } }
        if only != "smtp" { do {
            rows += try await HTTPDriverBench.run(messages: httpMessages, concurrency: concurrency, rounds: httpRounds, wrkSeconds: 5)
        } catch {
            rows.append(skipped("HTTP drivers", error))
        } }
        if only != "http" { do {
            rows += try await SMTPDriverBench.run(messages: smtpMessages, pool: pool, rounds: 3)
        } catch {
            rows.append(skipped("SMTP driver", error))
        } }
        return rows
    }

    /// The repository's `channels/` folder (HERALD_CHANNELS_DIR overrides).
    static var channelsDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["HERALD_CHANNELS_DIR"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("channels")
    }

    /// Sends every message through `send`, keeping `concurrency` in flight; bounded by the batch size.
    static func drive(
        _ batch: [OutboundMessage], concurrency: Int, send: @escaping @Sendable (OutboundMessage) async -> SendResult
    ) async -> Round {
        var sent = 0
        var failed = 0
        let cpuBefore = Measure.processCPUSeconds()
        let seconds = await Measure.seconds {
            await withTaskGroup(of: AttemptOutcome.self) { group in
                var next = 0
                for _ in 0..<min(concurrency, batch.count) {
                    let message = batch[next]
                    group.addTask { await send(message).outcome }
                    next += 1
                }
                for await outcome in group {
                    if outcome == .sent { sent += 1 } else { failed += 1 }
                    if next < batch.count {
                        let message = batch[next]
                        group.addTask { await send(message).outcome }
                        next += 1
                    }
                }
            }
        }
        let cpu = Measure.processCPUSeconds() - cpuBefore
        return Round(seconds: seconds, sent: sent, failed: failed, cpuSeconds: cpu)
    }

    /// Sends every message in batches of `size`, `streams` batches at a time, as the dispatcher's loops
    /// hand claimed batches to a driver.
    static func driveBatches(
        _ messages: [OutboundMessage], size: Int, streams: Int,
        send: @escaping @Sendable ([OutboundMessage]) async -> [SendResult]
    ) async -> Round {
        let batches = stride(from: 0, to: messages.count, by: size).map {
            Array(messages[$0..<min($0 + size, messages.count)])
        }
        let cpuBefore = Measure.processCPUSeconds()
        var outcomes: [AttemptOutcome] = []
        let seconds = await Measure.seconds {
            outcomes = await withTaskGroup(of: [AttemptOutcome].self) { group in
                for stream in 0..<streams {
                    // Stream k takes batches k, k + streams, …: all batches are the same size.
                    let mine = stride(from: stream, to: batches.count, by: streams).map { batches[$0] }
                    group.addTask {
                        var outcomes: [AttemptOutcome] = []
                        for batch in mine { outcomes += await send(batch).map(\.outcome) }
                        return outcomes
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
        }
        let cpu = Measure.processCPUSeconds() - cpuBefore
        let sent = outcomes.filter { $0 == .sent }.count
        return Round(seconds: seconds, sent: sent, failed: outcomes.count - sent, cpuSeconds: cpu)
    }

    static func medianRate(_ rounds: [Round]) -> Double { Measure.median(rounds.map(\.rate)) }

    /// Every round's rate, the median CPU per message of this process, and whether any message was not accepted.
    static func describe(_ rounds: [Round]) -> String {
        let rates = rounds.map { String(format: "%.0f", $0.rate) }.joined(separator: " / ")
        let cpu = Measure.median(rounds.map { $0.cpuSeconds / Double(max($0.sent + $0.failed, 1)) * 1e6 })
        let failed = rounds.map(\.failed).reduce(0, +)
        return "rounds \(rates); \(String(format: "%.1f", cpu)) µs CPU/msg (bench process)"
            + (failed > 0 ? "; \(failed) NOT sent" : "; all sent")
    }

    static func percent(_ value: Double, of limit: Double) -> String {
        limit > 0 ? String(format: "%.0f%%", value / limit * 100) : "n/a"
    }

    static func skipped(_ scenario: String, _ error: any Error) -> Row {
        Row(scenario: scenario, metric: "skipped", median: 0, unit: "", note: "not measured: \(error)")
    }
}

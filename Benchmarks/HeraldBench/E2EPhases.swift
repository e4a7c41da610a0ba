import Foundation

/// The measured steps of `e2e`, one file each, and what they share: the running daemon, the sink, the client.
/// Every wait is bounded; a message that never reaches the sink shows in the row's note, not as a hang.
struct E2EPhases {
    let client: E2EClient
    let herald: E2EHerald
    let sink: E2ESink
    let directory: URL

    /// Requests in flight for intake, as a busy application server would post them.
    static let concurrency = 32

    /// Upserts `count` contacts in NDJSON chunks of 5,000 (the route's own transaction size); seconds taken.
    func upsertContacts(count: Int, line: (Int) -> String) async throws -> Double {
        let url = "\(herald.baseURL)/v1/contacts/batch"
        return try await Measure.seconds {
            for start in stride(from: 0, to: count, by: 5_000) {
                let body = (start..<min(start + 5_000, count)).map(line).joined(separator: "\n")
                let (status, answer) = try await client.call("POST", url, key: herald.key, body: body, contentType: "application/x-ndjson")
                guard status == 200 else { throw HeraldBenchError("contacts batch answered \(status): \(answer.prefix(300))") }
            }
        }
    }

    /// Posts one job; the id if it was accepted.
    static func postJob(_ client: E2EClient, base: String, key: String, body: String) async -> Int64? {
        guard case let (status, answer)? = try? await client.call("POST", "\(base)/v1/jobs", key: key, body: body), status == 202,
            let object = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]
        else { return nil }
        return (object["id"] as? NSNumber)?.int64Value
    }

    /// The job as GET /v1/jobs/{id} shows it.
    func job(_ id: Int64) async -> [String: Any]? {
        guard case let (status, answer)? = try? await client.call("GET", "\(herald.baseURL)/v1/jobs/\(id)", key: herald.key), status == 200
        else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]
    }

    /// A one-contact transactional SMS job, as an application sends an OTP.
    static func oneContactJob(key: String, contact: String, text: String) -> String {
        #"{"idempotency_key":"\#(key)","purpose":"transactional","audience":{"contact_ids":["\#(contact)"]},"#
            + #""channels":["sms"],"content":{"sms":{"text":"\#(text)"}}}"#
    }

    /// Reads the sink's new lines into `tallies` until `done` holds or `limit` passes.
    func follow(_ tallies: inout [SinkTally], limit: Duration, until done: ([SinkTally]) -> Bool) async -> Bool {
        var current = tallies
        let reached = await Wait.until(limit) {
            sink.log.readNew { msec, uri in
                for index in current.indices { current[index].add(msec, uri) }
            }
            return done(current)
        }
        tallies = current
        return reached
    }

    /// Sends one message through `send` and waits (at most 30 s) for it at the sink, so the gateway is
    /// connected end to end and its first connections are open before anything is timed.
    func warmUp(tag: String, _ send: () async -> Bool) async throws {
        guard await send() else { throw HeraldBenchError("the warm-up message was refused") }
        var tallies = [SinkTally(tag: tag)]
        guard await follow(&tallies, limit: .seconds(30), until: { $0[0].count >= 1 }) else {
            throw HeraldBenchError("the warm-up message did not reach the sink within 30 s")
        }
    }

    /// A phase that fails becomes a skipped row; the phases after it still run.
    static func guarded(_ scenario: String, _ body: () async throws -> [Row]) async -> [Row] {
        do {
            return try await body()
        } catch {
            return [E2EBench.skipped(scenario, error)]
        }
    }

    static func milliseconds(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }

    static func now() -> Double { Date().timeIntervalSince1970 }
}

extension E2EPhases {
    /// The daemon's peak RSS over the whole run, and what it complained about in its log.
    func footprint() -> [Row] {
        let complaints = herald.complaints()
        let top = complaints.sorted { $0.value > $1.value }.prefix(5).map { "\($0.value)× \($0.key)" }
        return [
            Row(scenario: "herald peak RSS", metric: "MiB", median: herald.peakRSSMiB(), unit: "MiB",
                note: "VmHWM of the herald process at the end of the run (target ≤ 150 MB)"),
            Row(scenario: "herald log: warnings and errors", metric: "lines", median: Double(complaints.values.reduce(0, +)), unit: "",
                note: top.isEmpty ? "none" : top.joined(separator: "; ")),
        ]
    }
}

import Foundation
import HeraldCore
import HeraldEngine
import HeraldPolicy
import HeraldStoreSQLite
import HeraldStorePostgres
import HeraldChannels
import Logging

/// Contact import, fan-out of a segment over the whole audience, and dispatch to the `log` driver,
/// on a real SQLite file. Peak RSS is the process's high-water mark during fan-out.
enum FanoutBench {
    /// `postgresURL` nil: a SQLite file (the embedded default); otherwise that PostgreSQL database, which
    /// must be empty (a fresh schema) so the job and contacts are the bench's own.
    static func run(contacts count: Int, postgresURL: String? = nil) async throws -> [Row] {
        let directory = Measure.temporaryDirectory("fanout")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store: any Store =
            if let postgresURL { try PostgresStore(url: postgresURL) } else {
                try SQLiteStore(path: directory.appendingPathComponent("bench.sqlite").path)
            }
        let backend = postgresURL == nil ? "SQLite" : "PostgreSQL"
        try await store.migrate()
        let now = Date()

        let importSeconds = try await Measure.seconds {
            for start in stride(from: 0, to: count, by: 5000) {
                let chunk = (start..<min(start + 5000, count)).map(Fixtures.contact)
                try await store.upsertContacts(chunk, at: now)
            }
        }

        let policy = CompliancePolicy(rules: PolicyRules())
        let settings = EngineSettings(workerId: "bench", fanoutBatchSize: 2000, claimBatchSize: 1000)
        var spec = Fixtures.job(key: "fanout", segment: "attributes.days_inactive >= 0")
        spec.channels = [.sms]
        guard case .created(let job) = try await store.createJob(spec, bodyHash: spec.canonicalHash(), at: now) else {
            throw HeraldError(code: "bench", message: "job not created")
        }
        let fanout = FanoutService(
            store: store, policy: policy, settings: settings, signal: WorkSignal(), dispatchSignal: WorkSignal(),
            logger: Logger(label: "bench"))
        Measure.resetPeakRSS()
        let rssBefore = Measure.peakRSSMiB()
        // The process's CPU per 1,000 rows beside the rate: a second view of the same work. On a shared host both
        // move with the neighbours' load; compare alternating runs.
        let fanoutCPUBefore = Measure.processCPUSeconds()
        let fanoutSeconds = try await Measure.seconds {
            guard let claimed = try await store.claimFanout(owner: "bench", now: now, leaseUntil: now.addingTimeInterval(3600)) else { return }
            try await fanout.fanOut(claimed)
        }
        let fanoutCPU = Measure.processCPUSeconds() - fanoutCPUBefore
        let fanoutRSS = Measure.peakRSSMiB()
        let written = try await store.progress(jobId: job.id).total

        let driver = try LogDriver(id: "log-sms", kind: .sms, path: directory.appendingPathComponent("outbox.ndjson").path)
        let router = ChannelRouter([.init(instance: InstanceGuard(driver: driver, ratePerSecond: nil, concurrency: 1024))])
        // The clock stops when the last outcome is committed: the engine publishes each recorded batch, and one
        // subscriber for `sent` counts them (polling the store cost the engine a reader core).
        let events = DeliveryEvents()
        let sentEvents = events.subscribe(DeliveryEventFilter(state: .sent))
        let dispatch = DispatchService(
            store: store, policy: policy, router: router, settings: settings, signal: WorkSignal(),
            logger: Logger(label: "bench"), observability: EngineObservability(events: events))
        // As the daemon runs it: `DispatchService.run()`, its two loops and the express loop, until nothing is
        // pending. HERALD_BENCH_DISPATCH=once: one claim → send → record round after another instead.
        let sequential = ProcessInfo.processInfo.environment["HERALD_BENCH_DISPATCH"] == "once"
        var sent = 0
        var running: Task<Void, any Error>?
        let dispatchCPUBefore = Measure.processCPUSeconds()
        let dispatchSeconds = try await Measure.seconds {
            if sequential {
                while true {
                    let n = try await dispatch.dispatchOnce()
                    if n == 0 { break }
                    sent += n
                }
                return
            }
            running = Task { try await dispatch.run() }
            while sent < written, let batch = await sentEvents.nextBatch() {
                for item in batch {
                    switch item {
                    case .event: sent += 1
                    case .dropped(let count): sent += count
                    case .heartbeat: break
                    }
                }
            }
        }
        let dispatchCPU = Measure.processCPUSeconds() - dispatchCPUBefore
        running?.cancel()
        _ = try? await running?.value
        sentEvents.cancel()
        if !sequential { sent = try await store.progress(jobId: job.id).byState[DeliveryState.sent.rawValue] ?? 0 }
        try await store.close()
        let fanoutRate = Double(written) / fanoutSeconds
        let engineRate = Double(sent) / dispatchSeconds
        let insertReference = Reference.rowsPerSecond("insert", rows: count) ?? .nan
        let engineReference = Reference.rowsPerSecond("engine", rows: count) ?? .nan
        // Same-run references are bare SQLite either way: the ratio says what the backend costs too.
        func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2f×", a / b) }
        func perThousand(_ cpu: Double, _ rows: Int) -> String { String(format: "%.1f ms CPU per 1,000", cpu * 1e6 / Double(max(rows, 1))) }
        return [
            Row(scenario: "contacts import (\(backend))", metric: "contacts/s", median: Double(count) / importSeconds, unit: "/s",
                note: "\(count) contacts, batches of 5000"),
            Row(scenario: "fan-out (\(backend))", metric: "deliveries/s", median: fanoutRate, unit: "/s",
                note: "\(written) deliveries from a segment over \(count) contacts; peak RSS \(String(format: "%.0f", fanoutRSS)) MiB (\(String(format: "%.0f", rssBefore)) MiB before); \(perThousand(fanoutCPU, written)); \(ratio(fanoutRate, insertReference)) of bare SQLite inserting the same rows"),
            Row(scenario: "reference: bare SQLite insert", metric: "rows/s", median: insertReference, unit: "/s",
                note: "python3 sqlite3, same table and indexes, batches of 2000"),
            Row(scenario: "engine → log driver (\(backend))", metric: "deliveries/s", median: engineRate, unit: "/s",
                note: "\(sent) sent, claim batches of 1000, policy at claim, \(sequential ? "one loop, each round after the last" : "the daemon's dispatch loops"); \(perThousand(dispatchCPU, sent)); \(ratio(engineRate, engineReference)) of bare SQLite doing claim + complete"),
            Row(scenario: "reference: bare SQLite claim + complete", metric: "rows/s", median: engineReference, unit: "/s",
                note: "python3 sqlite3: select 1000 due, mark sending, then sent + attempt row"),
        ]
    }
}

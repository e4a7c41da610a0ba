import Foundation
import HeraldCore
import HeraldEngine
import HeraldPolicy
import HeraldStorePostgres
import HeraldStoreSQLite
import HeraldChannels
import Logging
import Synchronization

/// A campaign (fan-out of a segment, then dispatch to the `log` driver) with status webhooks off and on, in
/// one run on fresh stores: on = every event type recorded by the store's triggers and one endpoint with
/// `batch: 100` sending concurrently to an in-process receiver that accepts every POST. The engine rate is
/// fan-out + dispatch, the same work either way; the webhook drain (until the endpoint has every event) is
/// reported on its own.
enum WebhookBench {
    static func run(deliveries count: Int, postgresURL: String? = nil) async throws -> [Row] {
        // Interleaved rounds, medians: other work on the machine moves a single run by a third.
        let rounds = Int(ProcessInfo.processInfo.environment["HERALD_BENCH_ROUNDS"] ?? "") ?? 3
        var offs: [Result] = []
        var recordings: [Result] = []
        var ons: [Result] = []
        for round in 0..<rounds {
            let schema = { (name: String) in postgresURL.map { $0 + "_\(name)\(round)" } }
            offs.append(try await campaign(count: count, webhooks: false, sending: false, postgresURL: schema("off")))
            recordings.append(try await campaign(count: count, webhooks: true, sending: false, postgresURL: schema("rec")))
            ons.append(try await campaign(count: count, webhooks: true, sending: true, postgresURL: schema("on")))
        }
        func median(_ results: [Result]) -> Result { results.sorted { $0.rate < $1.rate }[results.count / 2] }
        let (off, recording, on) = (median(offs), median(recordings), median(ons))
        let spread = { (results: [Result]) in results.map { String(format: "%.0f", $0.rate) }.joined(separator: "/") }
        let backend = postgresURL == nil ? "SQLite" : "PostgreSQL"
        return [
            Row(scenario: "campaign, webhooks off (\(backend))", metric: "deliveries/s", median: off.rate, unit: "/s",
                note: "\(off.sent) sent: fan-out + dispatch to the log driver; runs \(spread(offs))"),
            Row(scenario: "campaign, events recorded, not sent (\(backend))", metric: "deliveries/s", median: recording.rate,
                unit: "/s",
                note: String(format: "%.0f%% of off: recording's cost alone; runs ", recording.rate / off.rate * 100)
                    + spread(recordings)),
            Row(scenario: "campaign, webhooks on (\(backend))", metric: "deliveries/s", median: on.rate, unit: "/s",
                note: String(
                    format: "%.0f%% of off; %d event types recorded, 1 endpoint batch 100: %d events in %d POSTs, drained %.1f s after the last send",
                    on.rate / off.rate * 100, subscribed.count, on.events, on.posts, on.drainSeconds) + "; runs " + spread(ons)),
        ]
    }

    /// HERALD_BENCH_WEBHOOK_EVENTS=delivery.sent,job.completed: what the endpoint subscribes to (default all).
    static let subscribed: Set<WebhookEventType> = {
        guard let list = ProcessInfo.processInfo.environment["HERALD_BENCH_WEBHOOK_EVENTS"] else {
            return Set(WebhookEventType.allCases)
        }
        return Set(list.split(separator: ",").compactMap { WebhookEventType(rawValue: String($0)) })
    }()

    struct Result {
        var rate: Double
        var sent: Int
        var events = 0
        var posts = 0
        var drainSeconds = 0.0
    }

    /// Accepts every POST and counts POSTs and events (by their `"id":"evt_` keys: a receiver is another
    /// process, so this one does not parse what it is sent).
    final class CountingReceiver: WebhookTransport {
        let counts = Mutex((posts: 0, events: 0))
        static let marker = Array(#"{"id":"evt_"#.utf8)

        func post(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws
            -> WebhookResponse
        {
            var events = 0
            var index = 0
            while index + Self.marker.count <= body.count {
                if body[index] == Self.marker[0], Array(body[index..<index + Self.marker.count]) == Self.marker {
                    events += 1
                    index += Self.marker.count
                } else {
                    index += 1
                }
            }
            counts.withLock { [events] in $0 = ($0.posts + 1, $0.events + events) }
            return WebhookResponse(status: 204)
        }

        func shutdown() async {}
    }

    private static func campaign(count: Int, webhooks: Bool, sending: Bool, postgresURL: String?) async throws -> Result {
        let directory = Measure.temporaryDirectory("webhooks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store: any Store & WebhookOutboxStore =
            if let postgresURL { try PostgresStore(url: postgresURL) } else {
                try SQLiteStore(path: directory.appendingPathComponent("bench.sqlite").path)
            }
        try await store.migrate()
        let now = Date()
        for start in stride(from: 0, to: count, by: 5000) {
            try await store.upsertContacts((start..<min(start + 5000, count)).map(Fixtures.contact), at: now)
        }
        let endpoint = WebhookEndpoint(
            id: "bench", url: "http://127.0.0.1:9/none",
            signer: try StandardWebhookSigner(secret: StandardWebhookSigner.generateSecret(), field: "bench"),
            events: subscribed, batch: 100)
        try await store.installWebhookEvents(webhooks ? subscribed : [], endpoints: ["bench"])
        let receiver = CountingReceiver()
        let service = WebhookService(
            endpoints: [endpoint], store: store, transport: receiver, owner: "bench", health: WebhookHealth(),
            logger: Logger(label: "bench"), pollInterval: .milliseconds(50))
        let sender = sending ? Task { try await service.run() } : nil

        let policy = CompliancePolicy(rules: PolicyRules())
        let settings = EngineSettings(workerId: "bench", fanoutBatchSize: 2000, claimBatchSize: 1000)
        var spec = Fixtures.job(key: "webhooks", segment: "attributes.days_inactive >= 0")
        spec.channels = [.sms]
        _ = try await store.createJob(spec, bodyHash: spec.canonicalHash(), at: now)
        let fanout = FanoutService(
            store: store, policy: policy, settings: settings, signal: WorkSignal(), dispatchSignal: WorkSignal(),
            logger: Logger(label: "bench"))
        let driver = try LogDriver(id: "log-sms", kind: .sms, path: directory.appendingPathComponent("outbox.ndjson").path)
        let router = ChannelRouter([.init(instance: InstanceGuard(driver: driver, ratePerSecond: nil, concurrency: 1024))])
        let dispatch = DispatchService(
            store: store, policy: policy, router: router, settings: settings, signal: WorkSignal(),
            logger: Logger(label: "bench"))
        var sent = 0
        let seconds = try await Measure.seconds {
            if let claimed = try await store.claimFanout(owner: "bench", now: now, leaseUntil: now.addingTimeInterval(3600)) {
                try await fanout.fanOut(claimed)
            }
            while true {
                let n = try await dispatch.dispatchOnce()
                if n == 0 { break }
                sent += n
            }
        }
        var result = Result(rate: Double(sent) / seconds, sent: sent)
        if let sender {
            result.drainSeconds = try await Measure.seconds {
                while try await store.webhookProgress("bench").lag > 0 { try await Task.sleep(for: .milliseconds(50)) }
            }
            sender.cancel()
            _ = try? await sender.value
            (result.posts, result.events) = receiver.counts.withLock { ($0.posts, $0.events) }
        }
        try await store.close()
        return result
    }
}

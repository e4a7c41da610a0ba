import Foundation
import HeraldCore
import HeraldEngine
import HeraldPolicy
import HeraldStoreSQLite
import Logging
import Prometheus

/// An email driver that fails permanently for addresses containing "fail" and echoes the full address in its
/// error, as a careless provider would: the logs must still never show it.
struct ScriptedMailDriver: ChannelDriver {
    let id = "mail-main"
    let kind = ChannelKind.email

    func send(_ message: OutboundMessage) async -> SendResult {
        if message.addresses.contains(where: { $0.contains("fail") }) {
            return SendResult(outcome: .permanent, error: "550 mailbox unavailable: \(message.addresses[0])")
        }
        return .sent(id: "msg-\(message.deliveryId)")
    }

    func check() async -> ChannelCheck { ChannelCheck(instance: id, ok: true, detail: "scripted") }
}

/// A real SQLite store in a temporary directory, the real engine services, a scripted driver, and metrics
/// going to a registry of this fixture's own.
struct OpsFixture {
    static let body = "Your secret code is 4242"
    static let failingAddress = "bob.fail@example.com"

    let store: SQLiteStore
    let registry = PrometheusCollectorRegistry()
    let events = DeliveryEvents()
    let observability: EngineObservability
    let router: ChannelRouter
    let fanout: FanoutService
    let dispatch: DispatchService
    let directory: URL

    init(logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-ops-\(UUID().uuidString)")
        store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
        try await store.migrate()
        observability = EngineObservability(
            metrics: EngineMetrics(factory: PrometheusMetricsFactory(registry: registry)), events: events)
        router = ChannelRouter([.init(instance: InstanceGuard(driver: ScriptedMailDriver(), ratePerSecond: nil, concurrency: 4))])
        let policy = CompliancePolicy(rules: PolicyRules())
        let settings = EngineSettings(workerId: "test-worker", idlePoll: 0.05)
        fanout = FanoutService(
            store: store, policy: policy, settings: settings, signal: WorkSignal(), dispatchSignal: WorkSignal(),
            logger: logger, observability: observability)
        dispatch = DispatchService(
            store: store, policy: policy, router: router, settings: settings, signal: WorkSignal(), logger: logger,
            observability: observability)
    }

    /// Three contacts (one whose mailbox fails, one with a Persian name), a consent trail, one transactional job.
    func seed() async throws -> Job {
        let now = Date()
        try await store.upsertContacts(
            [
                Contact(id: "c-1", timezone: "Europe/Berlin", attributes: ["first_name": "Anna"], email: "anna@example.com"),
                Contact(id: "c-2", timezone: "Asia/Tehran", attributes: ["first_name": "مریم"], email: "maryam@example.ir"),
                Contact(id: "c-3", timezone: "Europe/Berlin", attributes: ["first_name": "Bob"], email: Self.failingAddress),
            ], at: now)
        _ = try await store.appendConsent(
            ConsentInput(
                contactId: "c-2", channel: "email", topic: "خبرنامه", status: .granted, source: "signup_form",
                evidence: ["ip": "203.0.113.7", "form_text": "عضویت در خبرنامه"], actor: "web", occurredAt: now), at: now)
        _ = try await store.appendConsent(
            ConsentInput(
                contactId: "c-2", channel: "email", topic: "خبرنامه", status: .revoked, source: "email_one_click",
                evidence: ["method": "POST"], actor: "recipient", occurredAt: now), at: now)
        let spec = JobSpec(
            idempotencyKey: "otp-batch-1", purpose: .transactional, audience: Audience(contactIds: ["c-1", "c-2", "c-3"]),
            channels: [.email], content: Content(email: .init(subject: "Code", text: Self.body)))
        guard case .created(let job) = try await store.createJob(spec, bodyHash: spec.canonicalHash(), at: now) else {
            throw HeraldError(code: "test", message: "job not created")
        }
        return job
    }

    /// Fans the job out and dispatches until nothing is due.
    func runJob() async throws {
        let now = Date()
        if let claimed = try await store.claimFanout(owner: "test-worker", now: now, leaseUntil: now.addingTimeInterval(60)) {
            try await fanout.fanOut(claimed)
        }
        while try await dispatch.dispatchOnce() > 0 {}
    }

    func renderMetrics() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    func close() async {
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Prometheus text → samples, so tests can ask for a value by name and labels in any order.
struct PrometheusSamples {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let samples: [Sample]

    init(_ text: String) {
        samples = text.split(separator: "\n").compactMap { line -> Sample? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            return Sample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }?.value
    }

    func all(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
}

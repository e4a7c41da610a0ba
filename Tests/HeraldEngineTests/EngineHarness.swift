import Foundation
import HeraldCore
import HeraldTestSupport
import HeraldEngine
import HeraldStoreSQLite
import Logging
import Testing

/// A real SQLite file, pinned time, scripted drivers and the engine's two services, driven step by step.
final class EngineHarness: Sendable {
    let directory: URL
    let clock = TestClock()
    let settings: EngineSettings
    let policy: ScriptedPolicy
    let router: ChannelRouter

    var path: String { directory.appendingPathComponent("herald.sqlite").path }

    init(
        drivers: [any ChannelDriver] = [], routes: [ChannelRouter.Route]? = nil, policy: ScriptedPolicy = ScriptedPolicy(),
        fanoutBatchSize: Int = 1000, claimBatchSize: Int = 500, smsMaxSegments: Int? = nil
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var settings = EngineSettings(
            workerId: "test-worker", fanoutBatchSize: fanoutBatchSize, claimBatchSize: claimBatchSize,
            retry: RetryPolicy(maxAttempts: 4, base: 2, cap: 60))
        settings.smsMaxSegments = smsMaxSegments
        self.settings = settings
        self.policy = policy
        router = ChannelRouter(
            routes ?? drivers.map { ChannelRouter.Route(instance: InstanceGuard(driver: $0, ratePerSecond: nil, concurrency: 8)) })
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func openStore() async throws -> any Store {
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        return store
    }

    func fanout(_ store: any Store, express: ExpressTraffic = ExpressTraffic()) -> FanoutService {
        FanoutService(
            store: store, policy: policy, settings: settings, signal: WorkSignal(), dispatchSignal: WorkSignal(),
            now: clock.closure, logger: Logger(label: "test.fanout"), express: express)
    }

    func dispatch(_ store: any Store, express: ExpressTraffic = ExpressTraffic()) -> DispatchService {
        DispatchService(
            store: store, policy: policy, router: router, settings: settings, signal: WorkSignal(), now: clock.closure,
            jitter: { 0 }, logger: Logger(label: "test.dispatch"), express: express)
    }

    /// Creates the job and fans it out completely, as the fan-out loop would.
    @discardableResult
    func submit(_ spec: JobSpec, to store: any Store) async throws -> Job {
        guard case .created(let job) = try await store.createJob(spec, bodyHash: spec.idempotencyKey, at: clock.now) else {
            throw HeraldError(code: "test_unexpected", message: "job not created")
        }
        let leased = try #require(
            try await store.claimFanout(owner: settings.workerId, now: clock.now, leaseUntil: clock.now + 60))
        #expect(leased.id == job.id)
        try await fanout(store).fanOut(leased)
        return job
    }

    /// Dispatch rounds until nothing more is due at the current time; returns how many were claimed.
    @discardableResult
    func drain(_ store: any Store) async throws -> Int {
        let service = dispatch(store)
        var total = 0
        for _ in 0..<1000 {
            let claimed = try await service.dispatchOnce()
            if claimed == 0 { return total }
            total += claimed
        }
        Issue.record("dispatch did not settle")
        return total
    }
}

func person(_ id: String, email: String? = nil, phone: String? = nil, push: String? = nil, n: Double = 0) -> Contact {
    Contact(
        id: id, timezone: "UTC", attributes: ["n": .number(n)], email: email, phone: phone,
        pushTokens: push.map { [PushToken(platform: .fcm, token: $0)] } ?? [])
}

func makeJob(
    _ key: String, ids: [String]? = nil, segment: String? = nil, channels: [ChannelKind] = [.email],
    strategy: Strategy? = nil, purpose: Purpose = .transactional
) -> JobSpec {
    JobSpec(
        idempotencyKey: key, purpose: purpose, audience: Audience(contactIds: ids, segment: segment),
        channels: channels, strategy: strategy,
        content: Content(
            email: .init(subject: "Hi", text: "Hello {{attributes.n}}"), sms: .init(text: "Code 1234"),
            push: .init(title: "T", body: "B")))
}

func deliveries(_ store: any Store, jobId: Int64) async throws -> [Delivery] {
    try await store.deliveries(DeliveryQuery(jobId: jobId, limit: 20_000))
}

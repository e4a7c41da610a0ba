import Foundation
import HTTPTypes
import HeraldCore
import HeraldEngine
import HeraldHTTP
import HeraldPolicy
import HeraldStoreSQLite
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A daemon in one process: the real router and store, and the engine driven step by step at a pinned time.
struct Harness {
    let directory: URL
    let store: SQLiteStore
    let policy: CompliancePolicy
    let key = APIKey.generate()
    let now: Date
    let driver: CountingDriver

    init(policyJSON: String, now: Date) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
        try await store.migrate()
        try await store.insertAPIKey(hash: APIKey.hash(key), role: .admin, label: "test", at: now)
        policy = CompliancePolicy(rules: try JSONDecoder().decode(PolicyRules.self, from: Data(policyJSON.utf8)))
        self.now = now
        driver = CountingDriver()
    }

    static let secret = Array("e2e-secret".utf8)
    static let publicBaseURL = "https://herald.example"

    func application() -> some ApplicationProtocol {
        let pinned = now
        let deps = APIDependencies(
            store: store, templates: store, fanoutSignal: WorkSignal(), unsubscribeSecret: Self.secret, now: { pinned })
        return Application(router: HeraldAPI(deps: deps).router())
    }

    /// Runs fan-out for every accepted job, then dispatch until nothing is due, through `drivers`
    /// (the counting SMS driver unless given).
    func drain(through drivers: [any ChannelDriver]? = nil) async throws {
        let pinned = now
        let settings = EngineSettings(
            workerId: "e2e", fanoutBatchSize: 250, claimBatchSize: 200, publicBaseURL: Self.publicBaseURL,
            unsubscribeSecret: Self.secret)
        let fanout = FanoutService(
            store: store, policy: policy, settings: settings, signal: WorkSignal(), dispatchSignal: WorkSignal(),
            now: { pinned }, logger: Logger(label: "e2e"))
        while let job = try await store.claimFanout(owner: "e2e", now: pinned, leaseUntil: pinned.addingTimeInterval(60)) {
            try await fanout.fanOut(job)
        }
        let router = ChannelRouter(
            (drivers ?? [driver]).map { .init(instance: InstanceGuard(driver: $0, ratePerSecond: nil, concurrency: 64)) })
        let dispatch = DispatchService(
            store: store, policy: policy, router: router, settings: settings, signal: WorkSignal(), now: { pinned },
            logger: Logger(label: "e2e"))
        while try await dispatch.dispatchOnce() > 0 {}
    }

    var bearer: HTTPFields { [.authorization: "Bearer \(key)", .contentType: "application/json"] }
}

/// A channel that accepts everything and counts what reached it, per address.
final class CountingDriver: ChannelDriver, @unchecked Sendable {
    let id = "counting-sms"
    let kind = ChannelKind.sms
    private let lock = NSLock()
    private var sentTo: [String: Int] = [:]

    func send(_ message: OutboundMessage) async -> SendResult {
        lock.withLock { for address in message.addresses { sentTo[address, default: 0] += 1 } }
        return .sent(id: "c-\(message.deliveryId)")
    }

    func check() async -> ChannelCheck { ChannelCheck(instance: id, ok: true, detail: "in memory") }

    var sends: [String: Int] { lock.withLock { sentTo } }
}

extension TestClientProtocol {
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String, headers: HTTPFields) async throws -> (HTTPResponse.Status, String) {
        try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status, String(buffer: response.body))
        }
    }
}

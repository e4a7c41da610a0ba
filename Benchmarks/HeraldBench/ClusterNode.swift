import Foundation
import HeraldChannels
import HeraldCore
import HeraldEngine
import HeraldPolicy
import HeraldStorePostgres
import HeraldStoreSQLite
import Logging

/// One node of `herald-bench cluster`: a separate process with its own store (connection pool) and engine,
/// as a `herald serve` would have. Protocol on stdin/stdout, one line each:
/// it prints `ready`, waits for `go`, runs its phase, prints `done <units> <cpu seconds>`, then exits at EOF.
///   herald-bench node fanout|dispatch STORAGE OUTBOX
enum ClusterNode {
    static let claimBatchSize = 1000
    static let dispatchLoops = 2  // as the daemon's DispatchService

    static func run(phase: String, storage: String, outbox: String) async throws {
        let store: any Store =
            storage.hasPrefix("postgres") ? try PostgresStore(url: storage) : try SQLiteStore(path: storage)
        let logger = Logger(label: "bench.node")
        let settings = EngineSettings(
            workerId: "node-\(getpid())", fanoutBatchSize: 2000, claimBatchSize: claimBatchSize, fanoutLease: 600)
        let policy = CompliancePolicy(rules: PolicyRules())
        _ = try await store.contact(id: "warm-up")  // the pool's first connection is not part of the measurement
        reply("ready")
        guard readLine() == "go" else { return }
        let cpuBefore = cpuSeconds()
        var units = 0
        switch phase {
        case "fanout":
            let fanout = FanoutService(
                store: store, policy: policy, settings: settings, signal: WorkSignal(), dispatchSignal: WorkSignal(),
                logger: logger)
            while let job = try await store.claimFanout(
                owner: settings.workerId, now: Date(), leaseUntil: Date().addingTimeInterval(600))
            {
                try await fanout.fanOut(job)
                units += 1
            }
        default:
            let driver = try LogDriver(id: "log-sms", kind: .sms, path: outbox)
            let router = ChannelRouter([.init(instance: InstanceGuard(driver: driver, ratePerSecond: nil, concurrency: 1024))])
            let dispatch = DispatchService(
                store: store, policy: policy, router: router, settings: settings, signal: WorkSignal(), logger: logger)
            units = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<dispatchLoops {
                    group.addTask {
                        var sent = 0
                        while true {
                            let n = try await dispatch.dispatchOnce()
                            if n == 0 { return sent }
                            sent += n
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        reply("done \(units) \(cpuSeconds() - cpuBefore)")
        while readLine() != nil {}
        try await store.close()
    }

    private static func reply(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private static func cpuSeconds() -> Double { ProcessCPU.seconds(of: getpid()) }
}

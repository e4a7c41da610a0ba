import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// Streams each accepted job's audience from the store in batches and writes delivery rows.
/// The cursor is saved with every batch, so a crash resumes where the last batch ended.
public struct FanoutService: Service {
    let store: any Store
    let planner: FanoutPlanner
    let settings: EngineSettings
    let signal: WorkSignal
    let dispatchSignal: WorkSignal
    let now: @Sendable () -> Date
    let logger: Logger
    let observability: EngineObservability

    public init(
        store: any Store, policy: any DeliveryPolicy, settings: EngineSettings, signal: WorkSignal,
        dispatchSignal: WorkSignal, now: @escaping @Sendable () -> Date = Date.init, logger: Logger,
        observability: EngineObservability = EngineObservability()
    ) {
        self.store = store
        self.planner = FanoutPlanner(policy: policy)
        self.settings = settings
        self.signal = signal
        self.dispatchSignal = dispatchSignal
        self.now = now
        self.logger = logger
        self.observability = observability
    }

    /// Round robin by priority: each pass takes the highest-priority job whose last batch is oldest and
    /// writes one batch of it, so no job waits for another job's whole audience.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let current = now()
                if let job = try await store.claimFanout(
                    owner: settings.workerId, now: current, leaseUntil: current.addingTimeInterval(settings.fanoutLease))
                {
                    _ = try await fanOutBatch(job, after: job.fanoutCursor)
                    continue
                }
            } catch {
                logger.error("fan-out failed; will retry", metadata: ["error": "\(error)"])
            }
            await withGracefulShutdownHandler {
                await signal.wait(timeout: settings.idlePoll * 4)
            } onGracefulShutdown: {
                signal.notify()
            }
        }
    }

    /// Fans out one leased job until its audience is exhausted, the job is cancelled, or shutdown begins.
    public func fanOut(_ job: Job) async throws {
        var cursor = job.fanoutCursor
        while !Task.isShuttingDownGracefully {
            guard let page = try await fanOutBatch(job, after: cursor), !page.finished else { return }
            cursor = page.cursor
        }
    }

    /// Writes the batch after `cursor`; returns the page written, or nil when the job was cancelled or its
    /// lease was lost.
    func fanOutBatch(_ job: Job, after cursor: String?) async throws -> AudiencePage? {
        let segment = try job.spec.audience.segment.map { source throws(HeraldError) in
            try SegmentExpression(parsing: source)
        }
        var logger = logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        let page = try await AudiencePage.next(
            job.spec, after: cursor, segment: segment, store: store, limit: settings.fanoutBatchSize)
        let current = now()
        let facts = try await store.policyFacts(
            for: page.contacts, since: current.addingTimeInterval(-planner.policy.capLookback))
        let rows = planner.plan(job: job, contacts: page.contacts, unknownIds: page.unknownIds, facts: facts, now: current)
        let batch = FanoutBatch(
            jobId: job.id, owner: settings.workerId, deliveries: rows, cursor: page.cursor,
            audienceAdded: page.contacts.count + page.unknownIds.count, finished: page.finished,
            leaseUntil: current.addingTimeInterval(settings.fanoutLease), at: current)
        guard try await store.writeFanoutBatch(batch) else {
            logger.info("fan-out stopped: job cancelled or lease lost")
            return nil
        }
        observability.planned(rows, fromFanout: true, at: current, logger: logger)
        dispatchSignal.notify()
        if page.finished { logger.debug("fan-out finished") }
        return page
    }
}

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
    let express: ExpressTraffic
    private let readAhead = AudienceReadAhead()

    public init(
        store: any Store, policy: any DeliveryPolicy, settings: EngineSettings, signal: WorkSignal,
        dispatchSignal: WorkSignal, now: @escaping @Sendable () -> Date = Date.init, logger: Logger,
        observability: EngineObservability = EngineObservability(), express: ExpressTraffic = ExpressTraffic()
    ) {
        self.store = store
        self.planner = FanoutPlanner(policy: policy)
        self.settings = settings
        self.signal = signal
        self.dispatchSignal = dispatchSignal
        self.now = now
        self.logger = logger
        self.observability = observability
        self.express = express
    }

    /// Round robin by priority: each pass takes the highest-priority job whose last batch is oldest and
    /// writes one batch of it, so no job waits for another job's whole audience. While a batch is written, the
    /// job's next batch is read and planned (`FanoutLookahead`), so the writer and the readers work at once.
    public func run() async throws {
        var lookahead = FanoutLookahead()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let current = now()
                if let job = try await store.claimFanout(
                    owner: settings.workerId, now: current, leaseUntil: current.addingTimeInterval(settings.fanoutLease))
                {
                    let prepared: FanoutBatch
                    if let ready = await lookahead.take(job.id, after: job.fanoutCursor, now: now) {
                        prepared = ready
                    } else {
                        prepared = try await prepare(job, after: job.fanoutCursor)
                    }
                    if !prepared.finished {
                        let cursor = prepared.cursor
                        await lookahead.start(job.id, after: cursor, now: now()) { try await prepare(job, after: cursor) }
                    }
                    let written = try await write(job, prepared)
                    if !written {
                        await lookahead.drop(job.id)
                        await readAhead.drop(job.id)
                    }
                    continue
                }
            } catch {
                logger.error("fan-out failed; will retry", metadata: ["error": "\(error)"])
            }
            // Nothing read ahead outlives a pause: the audience may change meanwhile.
            await lookahead.dropAll()
            await readAhead.dropAll()
            await withGracefulShutdownHandler {
                await signal.wait(timeout: settings.idlePoll * 4)
            } onGracefulShutdown: {
                signal.notify()
            }
        }
        await lookahead.dropAll()
        await readAhead.dropAll()
    }

    /// Fans out one leased job until its audience is exhausted, the job is cancelled, or shutdown begins;
    /// each batch is read and planned while the one before it is written.
    public func fanOut(_ job: Job) async throws {
        do {
            var next = try await prepare(job, after: job.fanoutCursor)
            while !Task.isShuttingDownGracefully {
                let current = next
                async let following: FanoutBatch? =
                    current.finished ? nil : prepare(job, after: current.cursor)
                guard try await write(job, current), let prepared = try await following else { break }
                next = prepared
            }
        } catch {
            await readAhead.drop(job.id)
            throw error
        }
        await readAhead.drop(job.id)
    }

    /// Reads the page of the audience after `cursor`, its contacts' policy facts, and plans the rows.
    func prepare(_ job: Job, after cursor: String?) async throws -> FanoutBatch {
        let segment = try job.spec.audience.segment.map { source throws(HeraldError) in
            try SegmentExpression(parsing: source)
        }
        let page = try await readAhead.next(job.id, after: cursor, now: now) { [store, settings, express, now] after in
            try await AudiencePage.next(
                job.spec, after: after, segment: segment, store: store,
                limit: express.bulkLimit(settings.fanoutBatchSize, at: now()))
        }
        let current = now()
        let rows = try await plan(job, page, now: current)
        return FanoutBatch(
            jobId: job.id, owner: settings.workerId, deliveries: rows, cursor: page.cursor,
            audienceAdded: page.contacts.count + page.unknownIds.count, finished: page.finished,
            leaseUntil: current.addingTimeInterval(settings.fanoutLease), at: current,
            readContactIds: page.contacts.map(\.id), contactDeletions: page.contactDeletions)
    }

    /// A page's policy facts and rows. A long page is read and planned in two halves at once, on two reader
    /// connections: with one reader per batch, reading was the slower stage and the second core sat partly idle
    /// (fan-out +10%, `herald-bench fanout` at 300,000 contacts).
    private func plan(_ job: Job, _ page: AudiencePage, now: Date) async throws -> [NewDelivery] {
        let contacts = page.contacts[...]
        guard contacts.count >= 2 * Self.halfAtLeast else {
            return try await plan(job, contacts, unknownIds: page.unknownIds, now: now)
        }
        let middle = contacts.startIndex + contacts.count / 2
        async let first = plan(job, contacts[..<middle], unknownIds: [], now: now)
        let second = try await plan(job, contacts[middle...], unknownIds: page.unknownIds, now: now)
        return try await first + second
    }

    /// Below this many contacts per half, a second reader costs more than it saves.
    private static let halfAtLeast = 256

    private func plan(_ job: Job, _ contacts: ArraySlice<Contact>, unknownIds: [String], now: Date) async throws
        -> [NewDelivery]
    {
        let part = Array(contacts)
        let facts = try await store.policyFacts(for: part, since: now.addingTimeInterval(-planner.policy.capLookback))
        return planner.plan(job: job, contacts: part, unknownIds: unknownIds, facts: facts, now: now)
    }

    /// Writes a prepared batch; false when the job was cancelled or its lease was lost. Rows and events are
    /// stamped, and the lease renewed, as of the write, not of the read.
    func write(_ job: Job, _ prepared: FanoutBatch) async throws -> Bool {
        var logger = logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        var batch = prepared
        batch.at = now()
        batch.leaseUntil = batch.at.addingTimeInterval(settings.fanoutLease)
        guard try await store.writeFanoutBatch(batch) else {
            logger.info("fan-out stopped: job cancelled or lease lost")
            return false
        }
        observability.planned(batch.deliveries, fromFanout: true, at: batch.at, logger: logger)
        dispatchSignal.notify()
        if batch.finished { logger.debug("fan-out finished") }
        return true
    }
}

import Foundation
import HeraldCore
import Logging
import ServiceLifecycle
import Synchronization

/// Claims due deliveries in batches, sends each batch through the router (one hand-off per channel
/// instance), and writes outcomes back in batches.
/// On graceful shutdown it stops claiming and finishes what it has in flight.
public struct DispatchService: Service {
    let store: any Store
    let policy: any DeliveryPolicy
    let sender: Sender
    let settings: EngineSettings
    let signal: WorkSignal
    let loops: Int
    let now: @Sendable () -> Date
    let logger: Logger
    let observability: EngineObservability
    let express: ExpressTraffic
    private let contents: ContentCache

    public init(
        store: any Store, policy: any DeliveryPolicy, router: ChannelRouter, settings: EngineSettings,
        signal: WorkSignal, loops: Int = 2, now: @escaping @Sendable () -> Date = Date.init,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, logger: Logger,
        observability: EngineObservability = EngineObservability(), contents: ContentCache = ContentCache(),
        express: ExpressTraffic = ExpressTraffic()
    ) {
        self.store = store
        self.policy = policy
        self.sender = Sender(router: router, settings: settings, now: now, jitter: jitter)
        self.settings = settings
        self.signal = signal
        self.loops = max(loops, 1)
        self.now = now
        self.logger = logger
        self.observability = observability
        self.contents = contents
        self.express = express
    }

    /// `loops` loops take due work of any priority; one more, the express lane, takes only work of at least
    /// `settings.expressPriority`, so a transactional message never queues behind a campaign batch that
    /// is waiting for its provider or its rate limit. Work this node leased before a restart is taken back first.
    public func run() async throws {
        do {
            try await store.releaseLeases(owner: settings.workerId, at: now())
        } catch {
            logger.error("could not take back this node's leases; they expire on their own", metadata: ["error": "\(error)"])
        }
        await withDiscardingTaskGroup { group in
            for _ in 0..<loops {
                group.addTask { await self.loop(.general) }
            }
            // High task priority too: on a busy machine its steps run before the campaign's queued tasks.
            group.addTask(priority: .high) { await self.loop(.express(floor: settings.expressPriority)) }
        }
    }

    private func loop(_ lane: DispatchLane) async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                if try await dispatchOnce(lane) > 0 { continue }
            } catch {
                logger.error("dispatch failed; will retry", metadata: ["error": "\(error)"])
            }
            await withGracefulShutdownHandler {
                await signal.wait(timeout: settings.idlePoll)
            } onGracefulShutdown: {
                signal.notify()
            }
        }
    }

    /// One claim → send → record round over the lane's due work. Returns how many deliveries it claimed
    /// for sending.
    @discardableResult
    public func dispatchOnce(_ lane: DispatchLane = .general) async throws -> Int {
        let current = now()
        let (limit, floor, urgent) =
            switch lane {
            case .general: (express.bulkLimit(settings.claimBatchSize, at: current), 0, false)
            case .express(let floor): (settings.claimBatchSize, floor, true)
            }
        let decisions = try await store.claimDue(
            ClaimRequest(
                owner: settings.workerId, now: current, limit: limit,
                leaseUntil: current.addingTimeInterval(settings.sendLease), policy: policy, minPriority: floor,
                isUrgent: urgent))
        observability.claimed(decisions, at: current, logger: logger)
        let claimed = decisions.claimed
        guard !claimed.isEmpty else { return 0 }
        let gate = SendGate(store: store, watermark: decisions.consentWatermark, stopWatermark: decisions.stopWatermark)
        var outcomes = await send(claimed, gate: gate)
        for index in outcomes.indices { outcomes[index].contactDeletions = decisions.contactDeletions }
        try await store.recordOutcomes(outcomes, at: now())
        observability.recorded(outcomes, claimed: claimed, at: now(), logger: logger)
        await observability.breakers(sender.router)
        try await recordProviderOptOuts(outcomes, claimed: claimed)
        if outcomes.contains(where: { $0.fallback != nil }) { signal.notify() }
        return claimed.count
    }

    /// Sends the batch; a delivery whose job's templates do not compile fails without a send.
    private func send(_ claimed: [ClaimedDelivery], gate: SendGate) async -> [DeliveryOutcome] {
        var sendable: [(claimed: ClaimedDelivery, content: CompiledContent)] = []
        var outcomes: [DeliveryOutcome] = []
        for delivery in claimed {
            do {
                sendable.append((delivery, try contents.content(for: delivery)))
            } catch {
                outcomes.append(
                    DeliveryOutcome(
                        deliveryId: delivery.deliveryId, owner: settings.workerId, attempts: [], next: .failed,
                        trace: [TraceStep(rule: "content", outcome: "failed", detail: "templates do not compile")]))
            }
        }
        return outcomes + (await sender.send(sendable, gate: gate))
    }

    /// A provider saying the user blocked us (e.g. a bot blocked by the user) is an opt-out: it goes into the
    /// ledger so every later job honours it.
    private func recordProviderOptOuts(_ outcomes: [DeliveryOutcome], claimed: [ClaimedDelivery]) async throws {
        let byId = Dictionary(claimed.map { ($0.deliveryId, $0) }, uniquingKeysWith: { first, _ in first })
        // Only the provider's own answer: a delivery the revocation gate stopped is already in the ledger.
        var revocations: [DeliveryRevocation] = []
        for outcome in outcomes where outcome.attempts.last?.outcome == .optedOut {
            guard let delivery = byId[outcome.deliveryId] else { continue }
            let instance = outcome.attempts.last?.instance ?? "unknown"
            let input = ConsentInput(
                contactId: delivery.contact.id, channel: delivery.channel.rawValue, topic: "*", status: .revoked,
                source: "provider_opt_out", evidence: ["instance": .string(instance), "delivery_id": .number(Double(delivery.deliveryId))],
                actor: "herald", occurredAt: now())
            revocations.append(DeliveryRevocation(deliveryId: delivery.deliveryId, input: input))
        }
        // One write (and one wait for the send fence) for the batch; a contact erased while its message was in flight
        // gets no event back under its id. Both stores keep the ledger this way.
        guard !revocations.isEmpty, let ledger = store as? any ConsentImportStore else { return }
        _ = try await ledger.recordDeliveryRevocations(revocations, at: now())
    }
}

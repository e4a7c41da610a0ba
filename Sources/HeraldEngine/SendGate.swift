import HeraldCore
import HeraldPolicy
import Synchronization

/// The last check before messages leave, after any wait for rate-limit tokens or slots: ledger events
/// recorded since the claim (on any node) are read from the store, and a revocation among them stops the
/// message; so does its job's cancellation, its contact's erasure or the suppression of every address it
/// would go to (`LateStop`). Concurrent callers share one read, which always starts after each of them asked,
/// so an opt-out, cancel, erasure or suppression acknowledged before a message was admitted is always seen.
/// Each answer carries the store's hold (`SendHold`), which the caller ends once the admitted messages are
/// handed to their driver: until then a stop being recorded is not acknowledged.
final class SendGate: Sendable {
    typealias Answer = (verdicts: [Bool], hold: SendHold)
    private typealias Waiter = (messages: [OutboundMessage], continuation: CheckedContinuation<Answer?, Never>)

    private struct State {
        var reading = false
        var waiting: [Waiter] = []
        /// Delivery id → what stopped it.
        var stopped: [Int64: LateStop] = [:]
    }

    private let store: any Store
    private let watermark: Int64
    private let stopWatermark: Int64?
    private let state = Mutex(State())

    /// `watermark` and `stopWatermark` as the claim read them (`ClaimDecisions`).
    init(store: any Store, watermark: Int64, stopWatermark: Int64?) {
        self.store = store
        self.watermark = watermark
        self.stopWatermark = stopWatermark
    }

    /// For each message, whether it may go now. A failed read admits nothing (the messages are retried).
    func admit(_ messages: [OutboundMessage]) async -> Answer {
        guard !messages.isEmpty else { return ([], .none()) }
        let answered: Answer? = await withCheckedContinuation { continuation in
            let leads = state.withLock { state in
                if state.reading {
                    state.waiting.append((messages, continuation))
                    return false
                }
                state.reading = true
                return true
            }
            if leads { continuation.resume(returning: nil) }
        }
        if let answered { return answered }
        let own = await check(messages)
        // Everyone who asked while this read ran is read for apart from this caller, which goes on to send and
        // end its hold. Reading for them here, holding it, could wait behind a stop that waits for that hold.
        // Usually nobody asked: then no task is started.
        let othersWait = state.withLock { state in
            if state.waiting.isEmpty { state.reading = false }
            return !state.waiting.isEmpty
        }
        if othersWait { Task { await self.readForWaiting() } }
        return own
    }

    /// Reads for the callers waiting, then for those who asked meanwhile, until nobody waits.
    private func readForWaiting() async {
        while true {
            let waiting = state.withLock { state in
                defer { state.waiting = [] }
                if state.waiting.isEmpty { state.reading = false }
                return state.waiting
            }
            guard !waiting.isEmpty else { return }
            let (verdicts, hold) = await check(waiting.flatMap(\.messages))
            hold.share(with: waiting.count - 1)
            var offset = 0
            for waiter in waiting {
                waiter.continuation.resume(returning: (Array(verdicts[offset..<offset + waiter.messages.count]), hold))
                offset += waiter.messages.count
            }
        }
    }

    /// What stopped this delivery, if the gate stopped it.
    func stop(deliveryId: Int64) -> LateStop? {
        state.withLock { $0.stopped[deliveryId] }
    }

    private func check(_ messages: [OutboundMessage]) async -> Answer {
        let contactIds = Array(Set(messages.map(\.contactId)))
        guard
            let changes = try? await store.lateChanges(
                afterEvent: watermark, stopsSince: stopWatermark, jobIds: Array(Set(messages.map(\.jobId))),
                contactIds: contactIds, addresses: Array(Set(messages.flatMap(\.addresses))))
        else { return (Array(repeating: false, count: messages.count), .none()) }
        let facts = changes.stops
        let byContact = Dictionary(grouping: changes.events, by: \.contactId)
        var stopped: [Int64: LateStop] = [:]
        let verdicts = messages.map { message in
            let revocation = byContact[message.contactId].flatMap { recent in
                LateRevocation.stopping(
                    recent, channel: message.channel, purpose: message.purpose, topic: message.topic)
            }
            guard
                let stop = revocation.map({ LateStop.revoked(eventId: $0.id) })
                    ?? facts.stop(jobId: message.jobId, contactId: message.contactId, addresses: message.addresses)
            else { return true }
            stopped[message.deliveryId] = stop
            return false
        }
        if !stopped.isEmpty { state.withLock { $0.stopped.merge(stopped) { first, _ in first } } }
        return (verdicts, changes.hold)
    }
}

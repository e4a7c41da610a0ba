import Foundation
import Synchronization

/// What a live-tail subscriber reads: events in order, a count of events it missed because it fell behind,
/// or a heartbeat (so an idle stream still notices a client that went away).
public enum DeliveryStreamItem: Sendable, Hashable {
    case event(DeliveryEvent)
    case dropped(Int)
    case heartbeat
}

/// One subscriber's bounded buffer. `offer` never blocks and takes a whole published batch under one
/// lock — a subscriber without a filter keeps a reference to the shared batch, so its cost does not grow
/// with the batch; a reader drains everything buffered at once (`nextPieces`).
public final class DeliverySubscription: AsyncSequence, Sendable {
    public typealias Element = DeliveryStreamItem

    struct Buffer {
        var pieces: [DeliveryStreamPiece] = []
        /// Events buffered (a shared batch counts its events), against the capacity.
        var events = 0
        /// Events lost since the buffer filled; reported before the next event that fits.
        var pendingDrops = 0
        var waiter: CheckedContinuation<Void, Never>?
        /// Events buffered at which `offer` wakes the waiter: 1 for `nextPieces`, more while `gather` waits.
        var wakeAt = 1
        var finished = false

        var isEmpty: Bool { pieces.isEmpty && pendingDrops == 0 }

        mutating func reportDrops() {
            guard pendingDrops > 0 else { return }
            pieces.append(.item(.dropped(pendingDrops)))
            pendingDrops = 0
        }

        /// Everything buffered, oldest first, with a pending drop count reported where it happened.
        mutating func drain() -> [DeliveryStreamPiece] {
            reportDrops()
            events = 0
            defer { pieces.removeAll(keepingCapacity: true) }
            return pieces
        }
    }

    let id: Int
    let filter: DeliveryEventFilter
    let capacity: Int
    private weak let owner: DeliveryEvents?
    private let buffer = Mutex(Buffer())
    /// Items a single-item reader (`next()`) has taken from the buffer but not yet returned.
    private let pending = Mutex<[DeliveryStreamItem]>([])

    init(id: Int, filter: DeliveryEventFilter, capacity: Int, owner: DeliveryEvents) {
        self.id = id
        self.filter = filter
        self.capacity = capacity
        self.owner = owner
    }

    /// Buffers the events this subscriber's filter matches; what does not fit is counted as dropped.
    func offer(_ batch: DeliveryEventBatch) {
        let waiter: CheckedContinuation<Void, Never>? = buffer.withLock { buffer in
            guard !buffer.finished else { return nil }
            let before = buffer.pieces.count
            if filter.matchesEverything {
                if buffer.events + batch.events.count <= capacity {
                    buffer.reportDrops()
                    buffer.pieces.append(.batch(batch))
                    buffer.events += batch.events.count
                } else {
                    buffer.pendingDrops += batch.events.count
                }
            } else {
                for event in batch.events where filter.matches(event) {
                    guard buffer.events < capacity else {
                        buffer.pendingDrops += 1
                        continue
                    }
                    buffer.reportDrops()
                    buffer.pieces.append(.item(.event(event)))
                    buffer.events += 1
                }
            }
            guard buffer.pieces.count > before || buffer.pendingDrops > 0,
                buffer.events >= buffer.wakeAt || buffer.pendingDrops > 0
            else { return nil }
            defer { buffer.waiter = nil }
            return buffer.waiter
        }
        waiter?.resume()
    }

    /// Wakes an idle reader so it writes something and finds out whether its client is still there.
    public func heartbeat() {
        let waiter: CheckedContinuation<Void, Never>? = buffer.withLock { buffer in
            guard !buffer.finished, buffer.isEmpty else { return nil }
            buffer.pieces.append(.item(.heartbeat))
            defer { buffer.waiter = nil }
            return buffer.waiter
        }
        waiter?.resume()
    }

    /// Ends the stream and unregisters from the broadcaster.
    public func cancel() {
        owner?.remove(id)
        let waiter = buffer.withLock { buffer in
            buffer.finished = true
            defer { buffer.waiter = nil }
            return buffer.waiter
        }
        waiter?.resume()
    }

    /// Everything buffered, waiting until there is something; nil once the subscription ends.
    public func nextPieces() async -> [DeliveryStreamPiece]? {
        while true {
            let ready: [DeliveryStreamPiece]?? = buffer.withLock { buffer in
                let pieces = buffer.drain()
                if !pieces.isEmpty { return .some(pieces) }
                if buffer.finished || Task.isCancelled { return .some(nil) }
                return nil
            }
            if let ready { return ready }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = buffer.withLock { buffer in
                        if !buffer.isEmpty || buffer.finished { return true }
                        buffer.waiter = continuation
                        buffer.wakeAt = 1
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                cancel()
            }
        }
    }

    /// Waits, after a write, for more to gather before the next: until `events` are buffered (half the capacity
    /// unless given, so the wait alone does not make a busy stream drop events), something was dropped, the stream
    /// ended, or `duration` passed. A busy stream thus writes a few large pieces a second instead of one per batch.
    /// Like `nextPieces`, for the subscription's one reader: the two share one waiter slot and are called in turn.
    public func gather(for duration: Duration, events: Int? = nil) async {
        let threshold = Swift.max(1, events ?? capacity / 2)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: duration) }
            group.addTask { await self.waitUntilBuffered(threshold) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitUntilBuffered(_ threshold: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = buffer.withLock { buffer in
                    if buffer.events >= threshold || buffer.pendingDrops > 0 || buffer.finished || Task.isCancelled {
                        return true
                    }
                    buffer.waiter = continuation
                    buffer.wakeAt = threshold
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            // The pause ended first: the waiter is taken back, the stream itself goes on.
            let waiter = buffer.withLock { buffer in
                defer { buffer.waiter = nil }
                return buffer.waiter
            }
            waiter?.resume()
        }
    }

    /// Everything buffered as single items, shared batches spelled out.
    public func nextBatch() async -> [DeliveryStreamItem]? {
        guard let pieces = await nextPieces() else { return nil }
        var items: [DeliveryStreamItem] = []
        for piece in pieces {
            switch piece {
            case .batch(let batch): items.append(contentsOf: batch.events.map(DeliveryStreamItem.event))
            case .item(let item): items.append(item)
            }
        }
        return items
    }

    /// One item at a time, for readers that want that.
    public func next() async -> DeliveryStreamItem? {
        if let item = pending.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return item }
        guard let batch = await nextBatch(), let first = batch.first else { return nil }
        pending.withLock { $0.append(contentsOf: batch.dropFirst()) }
        return first
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: DeliverySubscription
        public mutating func next() async -> DeliveryStreamItem? { await subscription.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}

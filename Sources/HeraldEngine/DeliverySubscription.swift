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
/// lock; a reader drains everything buffered at once (`nextBatch`), so neither side pays per event.
public final class DeliverySubscription: AsyncSequence, Sendable {
    public typealias Element = DeliveryStreamItem

    struct Buffer {
        var items: [DeliveryStreamItem] = []
        /// Events lost since the buffer filled; reported before the next event that fits.
        var pendingDrops = 0
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false

        /// Everything buffered, oldest first, with a pending drop count reported where it happened.
        mutating func drain() -> [DeliveryStreamItem] {
            if pendingDrops > 0 {
                items.append(.dropped(pendingDrops))
                pendingDrops = 0
            }
            defer { items.removeAll(keepingCapacity: true) }
            return items
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
    func offer(_ events: [DeliveryEvent]) {
        let waiter: CheckedContinuation<Void, Never>? = buffer.withLock { buffer in
            guard !buffer.finished else { return nil }
            var added = false
            for event in events where filter.matches(event) {
                guard buffer.items.count < capacity else {
                    buffer.pendingDrops += 1
                    continue
                }
                if buffer.pendingDrops > 0 {
                    buffer.items.append(.dropped(buffer.pendingDrops))
                    buffer.pendingDrops = 0
                }
                buffer.items.append(.event(event))
                added = true
            }
            guard added || buffer.pendingDrops > 0 else { return nil }
            defer { buffer.waiter = nil }
            return buffer.waiter
        }
        waiter?.resume()
    }

    /// Wakes an idle reader so it writes something and finds out whether its client is still there.
    public func heartbeat() {
        let waiter: CheckedContinuation<Void, Never>? = buffer.withLock { buffer in
            guard !buffer.finished, buffer.items.isEmpty, buffer.pendingDrops == 0 else { return nil }
            buffer.items.append(.heartbeat)
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
    public func nextBatch() async -> [DeliveryStreamItem]? {
        while true {
            let ready: [DeliveryStreamItem]?? = buffer.withLock { buffer in
                let items = buffer.drain()
                if !items.isEmpty { return .some(items) }
                if buffer.finished || Task.isCancelled { return .some(nil) }
                return nil
            }
            if let ready { return ready }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = buffer.withLock { buffer in
                        if !buffer.items.isEmpty || buffer.pendingDrops > 0 || buffer.finished { return true }
                        buffer.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                cancel()
            }
        }
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

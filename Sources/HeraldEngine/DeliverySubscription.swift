import Foundation
import Synchronization

/// What a live-tail subscriber reads: events in order, a count of events it missed because it fell behind,
/// or a heartbeat (so an idle stream still notices a client that went away).
public enum DeliveryStreamItem: Sendable, Hashable {
    case event(DeliveryEvent)
    case dropped(Int)
    case heartbeat
}

/// One subscriber's bounded buffer. `offer` never blocks; `next()` suspends until something arrives,
/// the subscription is cancelled, or the reading task is cancelled.
public final class DeliverySubscription: AsyncSequence, Sendable {
    public typealias Element = DeliveryStreamItem

    struct Buffer {
        var items: [DeliveryStreamItem] = []
        var head = 0
        /// Events lost since the buffer filled; reported before the next event that fits.
        var pendingDrops = 0
        var waiter: CheckedContinuation<DeliveryStreamItem?, Never>?
        var finished = false

        var count: Int { items.count - head }

        mutating func pop() -> DeliveryStreamItem? {
            guard head < items.count else { return nil }
            let item = items[head]
            head += 1
            if head > 256, head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    let id: Int
    let filter: DeliveryEventFilter
    let capacity: Int
    private weak let owner: DeliveryEvents?
    private let buffer = Mutex(Buffer())

    init(id: Int, filter: DeliveryEventFilter, capacity: Int, owner: DeliveryEvents) {
        self.id = id
        self.filter = filter
        self.capacity = capacity
        self.owner = owner
    }

    func offer(_ item: DeliveryStreamItem) {
        let waiter: CheckedContinuation<DeliveryStreamItem?, Never>? = buffer.withLock { buffer in
            guard !buffer.finished else { return nil }
            if let waiter = buffer.waiter {
                // The reader is waiting, so the buffer is empty and no drops are pending.
                buffer.waiter = nil
                return waiter
            }
            if case .heartbeat = item, buffer.count > 0 { return nil }
            guard buffer.count < capacity else {
                if case .event = item { buffer.pendingDrops += 1 }
                return nil
            }
            if buffer.pendingDrops > 0 {
                buffer.items.append(.dropped(buffer.pendingDrops))
                buffer.pendingDrops = 0
            }
            buffer.items.append(item)
            return nil
        }
        waiter?.resume(returning: item)
    }

    /// Wakes an idle reader so it writes something and finds out whether its client is still there.
    public func heartbeat() { offer(.heartbeat) }

    /// Ends the stream and unregisters from the broadcaster.
    public func cancel() {
        owner?.remove(id)
        let waiter = buffer.withLock { buffer in
            buffer.finished = true
            defer { buffer.waiter = nil }
            return buffer.waiter
        }
        waiter?.resume(returning: nil)
    }

    public func next() async -> DeliveryStreamItem? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: DeliveryStreamItem?? = buffer.withLock { buffer in
                    if let item = buffer.pop() { return .some(item) }
                    if buffer.pendingDrops > 0 {
                        defer { buffer.pendingDrops = 0 }
                        return .some(.dropped(buffer.pendingDrops))
                    }
                    if buffer.finished || Task.isCancelled { return .some(nil) }
                    buffer.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            cancel()
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: DeliverySubscription
        public mutating func next() async -> DeliveryStreamItem? { await subscription.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}

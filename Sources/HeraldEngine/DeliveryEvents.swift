import Foundation
import Synchronization

/// Fans delivery events out to live-tail subscribers. Each subscriber has a bounded buffer: when it is full,
/// new events for that subscriber are counted as dropped (and reported in order) instead of waiting, so a slow
/// consumer never slows the engine.
public final class DeliveryEvents: Sendable {
    struct State {
        var nextSeq: UInt64 = 1
        var nextSubscriber = 0
        var subscribers: [Int: DeliverySubscription] = [:]
    }

    private let state = Mutex(State())
    public let bufferSize: Int

    /// 4,096 events: a stream gathering between writes wakes at half of it (`DeliverySubscription.gather`), well
    /// before a campaign's batches overflow it; an unfiltered subscriber holds references to shared batches, not copies.
    public init(bufferSize: Int = 4096) {
        self.bufferSize = max(bufferSize, 1)
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Numbers the events and hands each to the subscribers whose filter matches. Never suspends.
    public func publish(_ events: [DeliveryEvent]) {
        guard !events.isEmpty else { return }
        let (numbered, subscribers) = state.withLock { state in
            var numbered = events
            for index in numbered.indices {
                numbered[index].seq = state.nextSeq
                state.nextSeq += 1
            }
            return (numbered, Array(state.subscribers.values))
        }
        let batch = DeliveryEventBatch(numbered)
        for subscriber in subscribers { subscriber.offer(batch) }
    }

    public func subscribe(_ filter: DeliveryEventFilter = .init()) -> DeliverySubscription {
        state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            let subscription = DeliverySubscription(id: id, filter: filter, capacity: bufferSize, owner: self)
            state.subscribers[id] = subscription
            return subscription
        }
    }

    func remove(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }
}

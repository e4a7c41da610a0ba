import Synchronization

/// One published batch of live-tail events, shared by reference by every subscriber that takes all events:
/// buffering it costs a subscriber one reference, not a copy per event, and the stream encodes it once for
/// all of them (`encoded`).
public final class DeliveryEventBatch: Sendable {
    public let events: [DeliveryEvent]
    private let encoding = Mutex<(any Sendable)?>(nil)

    init(_ events: [DeliveryEvent]) {
        self.events = events
    }

    /// The batch encoded by `encode`, computed by the first caller and kept for the others.
    public func encoded<Encoded: Sendable>(_ encode: ([DeliveryEvent]) throws -> Encoded) rethrows -> Encoded {
        if let kept = encoding.withLock({ $0 }) as? Encoded { return kept }
        let made = try encode(events)
        encoding.withLock { $0 = made }
        return made
    }
}

/// What the stream writes next: a whole shared batch, or one item (a filtered event, a drop count, a heartbeat).
public enum DeliveryStreamPiece: Sendable {
    case batch(DeliveryEventBatch)
    case item(DeliveryStreamItem)
}

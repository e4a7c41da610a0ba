import Synchronization

/// One published batch of live-tail events, shared by reference by every subscriber that takes all events:
/// buffering it costs a subscriber one reference, not a copy per event, and the stream encodes it once for
/// all of them (`encoded`).
public final class DeliveryEventBatch: Sendable {
    public let events: [DeliveryEvent]
    /// Each encoding computed so far, by its type (the stream keeps plain and compressed forms).
    private let encodings = Mutex<[ObjectIdentifier: any Sendable]>([:])

    init(_ events: [DeliveryEvent]) {
        self.events = events
    }

    /// The batch encoded by `encode`, computed once: the subscribers wake together after a publish, and the
    /// first one encodes while the others wait for its result instead of each encoding it again.
    public func encoded<Encoded: Sendable>(_ encode: ([DeliveryEvent]) throws -> Encoded) rethrows -> Encoded {
        try encodings.withLock { encodings in
            let key = ObjectIdentifier(Encoded.self)
            // In two steps: a missing entry cast to an optional `Encoded` would succeed, as nil.
            if let kept = encodings[key], let kept = kept as? Encoded { return kept }
            let made = try encode(events)
            encodings[key] = made
            return made
        }
    }
}

/// What the stream writes next: a whole shared batch, or one item (a filtered event, a drop count, a heartbeat).
public enum DeliveryStreamPiece: Sendable {
    case batch(DeliveryEventBatch)
    case item(DeliveryStreamItem)
}

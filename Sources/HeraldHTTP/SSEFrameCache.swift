import HeraldEngine
import Synchronization

/// Encoded live-tail frames of the most recent events, shared by every subscriber: an event is encoded
/// once however many clients stream it. A ring indexed by sequence number; an older event that fell out
/// is simply encoded again.
final class SSEFrameCache: Sendable {
    private let slots: Mutex<[(seq: UInt64, frame: String)?]>

    init(capacity: Int = 8192) {
        slots = Mutex(Array(repeating: nil, count: max(capacity, 1)))
    }

    func frames(for items: [DeliveryStreamItem]) throws -> String {
        var text = ""
        for item in items {
            guard case .event(let event) = item else {
                text += try SSEFrame.encode(item)
                continue
            }
            text += try frame(for: event)
        }
        return text
    }

    private func frame(for event: DeliveryEvent) throws -> String {
        let cached = slots.withLock { slots -> String? in
            let slot = slots[Int(event.seq % UInt64(slots.count))]
            return slot?.seq == event.seq ? slot?.frame : nil
        }
        if let cached { return cached }
        let frame = try SSEFrame.encode(.event(event))
        slots.withLock { $0[Int(event.seq % UInt64($0.count))] = (event.seq, frame) }
        return frame
    }
}

import HeraldEngine
import NIOCore
import Synchronization

/// Encoded live-tail frames, shared by every subscriber: a published batch is encoded once into one buffer
/// that every client without a filter writes as is (NIO buffers are shared, not copied); a single event a
/// filtered client matched is kept in a ring indexed by sequence number, so it too is encoded once however
/// many clients stream it (an older event that fell out is simply encoded again). For gzip clients a batch
/// is also compressed once, into a piece every client's stream can carry (`DeflatedPiece`).
final class SSEFrameCache: Sendable {
    private let slots: Mutex<[(seq: UInt64, frame: [UInt8])?]>
    private let deflater = Mutex(Deflater())

    init(capacity: Int = 8192) {
        slots = Mutex(Array(repeating: nil, count: max(capacity, 1)))
    }

    /// The pieces as one buffer; a lone shared batch is its shared buffer, with no copy.
    func frames(for pieces: [DeliveryStreamPiece]) -> ByteBuffer {
        if pieces.count == 1, case .batch(let batch) = pieces[0] { return encoded(batch) }
        var buffer = ByteBuffer()
        for piece in pieces {
            switch piece {
            case .batch(let batch):
                var shared = encoded(batch)
                buffer.writeBuffer(&shared)
            case .item(.event(let event)):
                buffer.writeBytes(frame(for: event))
            case .item(let item):
                var frame: [UInt8] = []
                SSEFrame.append(item, to: &frame)
                buffer.writeBytes(frame)
            }
        }
        return buffer
    }

    /// A batch compressed once for every gzip client.
    func deflated(_ batch: DeliveryEventBatch) throws -> DeflatedPiece {
        let plain = encoded(batch)
        return try batch.encoded { _ in try deflated(plain) }
    }

    /// Bytes compressed for one client alone (filtered events, drop counts, heartbeats).
    func deflated(_ plain: ByteBuffer) throws -> DeflatedPiece {
        guard let piece = deflater.withLock({ $0.piece(of: plain) }) else { throw CompressionFailed() }
        return piece
    }

    /// zlib could not be set up (out of memory): the client's stream ends and it reconnects.
    struct CompressionFailed: Error {}

    private func encoded(_ batch: DeliveryEventBatch) -> ByteBuffer {
        batch.encoded { events in
            var frames: [UInt8] = []
            frames.reserveCapacity(events.count * 256)
            SSEFrame.append(events, to: &frames)
            return ByteBuffer(bytes: frames)
        }
    }

    private func frame(for event: DeliveryEvent) -> [UInt8] {
        let cached = slots.withLock { slots -> [UInt8]? in
            let slot = slots[Int(event.seq % UInt64(slots.count))]
            return slot?.seq == event.seq ? slot?.frame : nil
        }
        if let cached { return cached }
        var frame: [UInt8] = []
        frame.reserveCapacity(256)
        SSEFrame.append(.event(event), to: &frame)
        slots.withLock { $0[Int(event.seq % UInt64($0.count))] = (event.seq, frame) }
        return frame
    }
}

import HeraldEngine
import NIOCore

/// How one client's live tail is written: as is, or, when the client accepts gzip (browsers do), as one gzip
/// stream whose published batches were compressed once for every client. Compression cuts what the kernel
/// copies to each reader several times over, which is most of what a reading subscriber costs the daemon.
struct LiveTailEncoding {
    private let frames: SSEFrameCache
    private var gzip: GzipStream?

    init(frames: SSEFrameCache, acceptEncoding: String?) {
        self.frames = frames
        gzip = acceptEncoding.map(GzipStream.isAccepted) == true ? GzipStream() : nil
    }

    var contentEncoding: String? { gzip == nil ? nil : "gzip" }

    mutating func encode(_ text: String) throws -> ByteBuffer {
        let plain = ByteBuffer(string: text)
        guard gzip != nil else { return plain }
        var buffer = ByteBuffer()
        gzip!.append(try frames.deflated(plain), to: &buffer)
        return buffer
    }

    /// Whatever piled up since the last write, as one buffer.
    mutating func encode(_ pieces: [DeliveryStreamPiece]) throws -> ByteBuffer {
        guard gzip != nil else { return frames.frames(for: pieces) }
        var buffer = ByteBuffer()
        var ownItems: [DeliveryStreamPiece] = []
        for piece in pieces {
            if case .batch(let batch) = piece {
                try flush(&ownItems, into: &buffer)
                gzip!.append(try frames.deflated(batch), to: &buffer)
            } else {
                ownItems.append(piece)
            }
        }
        try flush(&ownItems, into: &buffer)
        return buffer
    }

    private mutating func flush(_ items: inout [DeliveryStreamPiece], into buffer: inout ByteBuffer) throws {
        guard !items.isEmpty else { return }
        gzip!.append(try frames.deflated(frames.frames(for: items)), to: &buffer)
        items.removeAll(keepingCapacity: true)
    }

    /// The gzip trailer, when there is a gzip stream to close.
    func end() -> ByteBuffer? { gzip?.end() }
}

import CZlib
import NIOCore

/// Bytes deflated on their own and ended on a byte boundary without closing the stream (a sync flush).
/// Such pieces concatenate into one valid deflate stream, so a live-tail batch compressed once can go into
/// every client's gzip stream (`GzipStream`); each piece carries the CRC-32 and length of what it holds,
/// which is all a client's gzip trailer needs.
struct DeflatedPiece: Sendable {
    let bytes: ByteBuffer
    let crc: UInt32
    let length: Int
}

/// One zlib deflate state, reset for each piece rather than set up again: setting one up allocates and
/// clears about 256 KiB. Not thread-safe; `SSEFrameCache` keeps it behind a lock.
final class Deflater {
    /// At a fixed address: zlib's state points back at its stream and refuses a stream that moved.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let ready: Bool
    /// Where deflate writes, reused from piece to piece.
    private var scratch: [UInt8] = []

    /// Level 1: the live tail's JSON is repetitive enough that faster matching loses little.
    init(level: Int32 = 1) {
        stream.initialize(to: z_stream())
        ready = herald_deflate_init_raw(stream, level) == Z_OK
    }

    deinit {
        if ready { deflateEnd(stream) }
        stream.deallocate()
    }

    /// `input` as a piece; nil only if zlib could not be set up (out of memory), when the caller writes the
    /// stream uncompressed instead.
    func piece(of input: ByteBuffer) -> DeflatedPiece? {
        let length = input.readableBytes
        guard ready, length > 0, deflateReset(stream) == Z_OK else { return nil }
        // A sync flush adds an empty stored block (5 bytes) to deflate's own bound; 64 more for headroom.
        let capacity = Int(deflateBound(stream, UInt(length))) + 64
        if scratch.count < capacity { scratch = [UInt8](repeating: 0, count: capacity) }
        var complete = false
        var written = 0
        let crc = input.withUnsafeReadableBytes { source -> UInt32 in
            let bytes = source.bindMemory(to: Bytef.self)
            scratch.withUnsafeMutableBufferPointer { target in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress)
                stream.pointee.avail_in = uInt(length)
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = uInt(target.count)
                complete = deflate(stream, Z_SYNC_FLUSH) == Z_OK && stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0
                written = target.count - Int(stream.pointee.avail_out)
            }
            return UInt32(truncatingIfNeeded: crc32(0, bytes.baseAddress, uInt(length)))
        }
        guard complete else { return nil }
        // Copied out at its size: a batch's piece lives as long as a subscriber holds the batch.
        return DeflatedPiece(bytes: ByteBuffer(bytes: scratch[..<written]), crc: crc, length: length)
    }
}

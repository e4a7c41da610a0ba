import CZlib
import Foundation
import NIOCore

/// One client's gzip stream (RFC 1952) made of pieces deflated once for every client: the header once, the
/// shared pieces as they are, and at the end a final empty block and the trailer, whose CRC-32 is combined
/// from the pieces' own rather than computed over the bytes again.
struct GzipStream {
    private var started = false
    private var crc: UInt32 = 0
    private var length = 0

    /// Whether an `Accept-Encoding` value takes gzip: named (or as `x-gzip`) without `q=0`.
    static func isAccepted(by acceptEncoding: String) -> Bool {
        acceptEncoding.split(separator: ",").contains { coding in
            let parts = coding.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first, name == "gzip" || name == "x-gzip" else { return false }
            let refused = parts.dropFirst().contains { parameter in
                guard parameter.hasPrefix("q="), let quality = Double(parameter.dropFirst(2)) else { return false }
                return quality == 0
            }
            return !refused
        }
    }

    mutating func append(_ piece: DeflatedPiece, to buffer: inout ByteBuffer) {
        if !started {
            started = true
            // Magic, deflate, no flags, no time, no extra flags, unknown OS.
            buffer.writeBytes([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF])
        }
        var bytes = piece.bytes
        buffer.writeBuffer(&bytes)
        crc = UInt32(truncatingIfNeeded: crc32_combine(uLong(crc), uLong(piece.crc), .init(piece.length)))
        length += piece.length
    }

    /// What closes the stream: a final fixed-Huffman block with nothing in it, the CRC-32 and the length
    /// (modulo 2³²), both little-endian. Nil when nothing was written.
    func end() -> ByteBuffer? {
        guard started else { return nil }
        var buffer = ByteBuffer()
        buffer.writeBytes([0x03, 0x00])
        buffer.writeInteger(crc, endianness: .little)
        buffer.writeInteger(UInt32(truncatingIfNeeded: length), endianness: .little)
        return buffer
    }
}

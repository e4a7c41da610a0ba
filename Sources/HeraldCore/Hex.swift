import Foundation

/// Lowercase hexadecimal of bytes: hashes, HMACs and keys as stored and shown. Written into one buffer from a
/// table, because the ledger hashes every event it appends or verifies with several of these, and a
/// formatted string per byte cost more than the hashing itself.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Digests, MACs, `Data` and `[UInt8]` alike.
    public static func string(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: raw.count * 2) { buffer in
                var index = 0
                for byte in raw {
                    buffer[index] = digits[Int(byte >> 4)]
                    buffer[index + 1] = digits[Int(byte & 0x0f)]
                    index += 2
                }
                return index
            }
        }
    }
}

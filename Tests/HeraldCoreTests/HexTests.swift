import Crypto
import Foundation
import HeraldCore
import Testing

/// Stored ledger hashes were written as lowercase hex; the fast encoder must write exactly the same text.
@Suite struct HexTests {
    @Test func writesLowercaseHexOfEveryByte() {
        #expect(Hex.string([0x00, 0x0f, 0xa0, 0xff] as [UInt8]) == "000fa0ff")
        #expect(Hex.string(Data()) == "")
        // FIPS 180-2's test vector for SHA-256("abc").
        #expect(
            Hashing.sha256Hex(Data("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

import Foundation
import HeraldCore
import Testing

/// A checkpoint keeps its signature through every form it travels in: JSON (API, witness file) and back.
@Suite("Checkpoint signing")
struct CheckpointKeyTests {
    let head = LedgerHead(events: 6, headEventId: 6, headHash: String(repeating: "ab", count: 32))

    @Test("a checkpoint read back from its JSON line still checks, whatever its millisecond")
    func jsonRoundTripKeepsTheSignature() throws {
        let key = CheckpointKey()
        let second = Date(timeIntervalSince1970: 1_796_468_595)
        for millisecond in 0..<1000 {
            let signed = try key.sign(head, at: second.addingTimeInterval(Double(millisecond) / 1000))
            let line = try LedgerAudit.witnessLine(signed)
            let read = try LedgerAudit.parseCheckpoints(ndjson: line)
            #expect(read == [signed], "\(line)")
            #expect(key.publicKey.isValidSignature(of: read[0]), "\(line)")
        }
    }

    @Test("a changed field, another key or a garbled signature does not check")
    func tamperingIsNoticed() throws {
        let key = CheckpointKey()
        let signed = try key.sign(head, at: Date(timeIntervalSince1970: 1_796_468_595.25))
        #expect(key.publicKey.isValidSignature(of: signed))
        var moved = signed
        moved.events = 5
        #expect(!key.publicKey.isValidSignature(of: moved))
        var garbled = signed
        garbled.signature = "AAAA"
        #expect(!key.publicKey.isValidSignature(of: garbled))
        #expect(!CheckpointKey().publicKey.isValidSignature(of: signed))
        #expect(try CheckpointKey(base64: key.encoded).publicKey == key.publicKey)
        #expect(try CheckpointPublicKey(base64: key.publicKey.encoded) == key.publicKey)
        #expect(throws: HeraldError.self) { try CheckpointKey(base64: "short") }
    }

    @Test("a line that is not a checkpoint is refused with its number")
    func badLine() throws {
        let key = CheckpointKey()
        let good = try LedgerAudit.witnessLine(try key.sign(head, at: Date(timeIntervalSince1970: 1_796_468_595)))
        #expect(try LedgerAudit.parseCheckpoints(ndjson: good + "\n\n" + good).count == 2)
        #expect(throws: HeraldError.invalid("checkpoints", "line 2 is not a checkpoint")) {
            try LedgerAudit.parseCheckpoints(ndjson: good + "{\"events\": 1}\n")
        }
    }
}

import Foundation
import HeraldCore
import Testing

@Suite("Contact import files")
struct ContactBatchTests {
    /// An error names the line an editor shows (from 0): blank lines count, in decoding and in validation alike.
    @Test func anNDJSONErrorNamesItsLineBlankLinesIncluded() throws {
        let good = #"{"id": "u1", "timezone": "UTC"}"#
        for (bad, field) in [(#"{"id": 7}"#, "[3]"), (#"{"id": "u2", "timezone": "Mars/Olympus"}"#, "[3].timezone")] {
            let file = [good, "", "  ", bad].joined(separator: "\n")
            do {
                _ = try ContactBatch.decode(Data(file.utf8))
                Issue.record("accepted \(bad)")
            } catch let error as HeraldError {
                #expect(error.field?.hasPrefix(field) == true, "\(error.field ?? "nil")")
            }
        }
        #expect(try ContactBatch.decode(Data((good + "\n\n").utf8)).map(\.id) == ["u1"])
    }
}

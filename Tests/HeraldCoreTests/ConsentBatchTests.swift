import Foundation
import HeraldCore
import Testing

@Suite("Bulk consent import files")
struct ConsentBatchTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("each line keeps its occurred_at, evidence and actor; blank lines are skipped but counted")
    func linesKeepTheirOriginals() throws {
        let file = """
            {"contact_id":"u1","channel":"email","status":"granted","source":"legacy","evidence":{"ip":"198.51.100.7"},"occurred_at":"2024-03-01T09:00:00Z"}

            {"contact_id":"u2","channel":"*","topic":"news","status":"revoked","source":"legacy","actor":"old-esp","occurred_at":"2023-12-31T23:59:59.250Z"}
            """
        let inputs = try ConsentBatch.decode(Data(file.utf8), now: Self.now, defaultActor: "compliance")
        #expect(inputs.count == 2)
        #expect(inputs[0].evidence == ["ip": "198.51.100.7"])
        #expect(inputs[0].actor == "compliance")
        #expect(inputs[0].occurredAt == Timestamp.parse("2024-03-01T09:00:00Z"))
        #expect(inputs[1].topic == "news")
        #expect(inputs[1].actor == "old-esp")
        #expect(inputs[1].occurredAt.millisecondsSince1970 == Timestamp.parse("2023-12-31T23:59:59.250Z")!.millisecondsSince1970)
    }

    @Test("the first bad line is named by number, with its field, and without its values")
    func badLineNamed() {
        let good = #"{"contact_id":"u1","channel":"email","status":"granted","source":"legacy","occurred_at":"2024-03-01T09:00:00Z"}"#
        let cases: [(line: String, field: String)] = [
            (#"{"contact_id":"secret-id","channel":"fax","status":"granted","source":"legacy","occurred_at":"2024-03-01T09:00:00Z"}"#, "channel"),
            (#"{"contact_id":"secret-id","channel":"email","status":"granted","source":"legacy"}"#, "occurred_at"),
            (#"{"contact_id":"secret-id","channel":"email","status":"maybe","source":"legacy","occurred_at":"2024-03-01T09:00:00Z"}"#, "status"),
            (#"{"contact_id":"secret-id","channel":"email","status":"granted","source":"legacy","evidence":"secret-id form","occurred_at":"2024-03-01T09:00:00Z"}"#, "evidence"),
            ("not json secret-id", ""),
            // Decoders keep the first of two keys and most other systems the last: two readings of one line.
            (#"{"contact_id":"secret-id","channel":"email","status":"granted","status":"revoked","source":"legacy","occurred_at":"2024-03-01T09:00:00Z"}"#, "status"),
        ]
        for (line, field) in cases {
            let file = [good, "", good, line, good].joined(separator: "\n")
            do {
                _ = try ConsentBatch.decode(Data(file.utf8), now: Self.now, defaultActor: "x")
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.field == "line 4")
                #expect(error.message.hasPrefix(field.isEmpty ? "" : "\(field):"))
                #expect(!error.message.contains("secret-id"))
            }
        }
        #expect(throws: HeraldError.self) { try ConsentBatch.decode(Data("\n\n".utf8), now: Self.now, defaultActor: "x") }
    }
}

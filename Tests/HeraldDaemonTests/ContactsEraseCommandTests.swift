import Foundation
import Testing

/// `herald contacts erase ID` on a zero-config data folder: the chain verifies before and after, the erased
/// person's strings are gone from the database file, and erasing again finds nothing.
@Suite struct ContactsEraseCommandTests {
    @Test func erasesAndTheAuditStillVerifies() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-erase-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"id": "u1", "email": "parisa.cli@example.org", "attributes": {"first_name": "ParisaCli"}}"#
            .write(to: directory.appendingPathComponent("contacts.ndjson"), atomically: true, encoding: .utf8)
        try """
            {"contact_id":"u1","channel":"email","status":"granted","source":"form","evidence":{"ip":"198.51.100.77"},"occurred_at":"2024-01-01T10:00:00Z"}
            {"contact_id":"u2","channel":"email","status":"granted","source":"form","occurred_at":"2024-01-01T10:00:00Z"}

            """.write(to: directory.appendingPathComponent("consents.ndjson"), atomically: true, encoding: .utf8)
        let herald = TemplatesCommandTests.herald
        #expect(try herald(["contacts", "import", "contacts.ndjson"], directory).status == 0)
        #expect(try herald(["consents", "import", "consents.ndjson"], directory).status == 0)
        #expect(try herald(["audit", "verify"], directory).output.hasPrefix("ok: 2 events"))

        let erased = try herald(["contacts", "erase", "u1"], directory)
        #expect(erased.status == 0, "\(erased.output)")
        #expect(erased.output.hasPrefix("erased: tombstone erased-"))
        #expect(erased.output.contains("1 ledger events"))
        #expect(try herald(["audit", "verify"], directory).output.hasPrefix("ok: 3 events"))
        let file = try Data(contentsOf: directory.appendingPathComponent("herald-data/herald.sqlite"))
        for text in ["parisa.cli@example.org", "ParisaCli", "198.51.100.77"] {
            #expect(file.range(of: Data(text.utf8)) == nil, "\(text) is still in the database file")
        }
        let again = try herald(["contacts", "erase", "u1"], directory)
        #expect(again.status == 1)
        #expect(again.output.contains("nothing is held"))
    }
}

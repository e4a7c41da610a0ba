import Foundation
import Testing

/// The ledger's tail cut behind the daemon's back, found with the real binary: the daemon signs the head at
/// shutdown, `herald audit verify` names the cut with a non-zero exit, and a copy of the checkpoints kept
/// elsewhere still names it after the stored ones are deleted too.
@Suite(.serialized) struct CheckpointCommandTests {
    static func sqlite(_ directory: URL, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [directory.appendingPathComponent("herald-data/herald.sqlite").path, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func aCutTailIsNamedByVerifyAndAWitnessCopyOutlivesTheStoredCheckpoints() async throws {
        let daemon = try DaemonProcess()
        defer { try? FileManager.default.removeItem(at: daemon.directory) }
        try await daemon.start()
        let key = try daemon.adminKey
        for index in 0..<6 {
            let status = index < 3 ? "granted" : "revoked"
            let body = #"{"contact_id":"c\#(index % 3)","channel":"sms","status":"\#(status)","source":"test"}"#
            #expect(try await HTTP.post("\(daemon.base)/v1/consents", body, key: key).status == 201)
        }
        #expect(daemon.terminate() == 0)  // signs the head on the way out

        let herald = TemplatesCommandTests.herald
        let untouched = try herald(["audit", "verify"], daemon.directory)
        #expect(untouched.status == 0, "\(untouched.output)")
        #expect(untouched.output.contains("ok: 6 events"))
        #expect(untouched.output.contains("1 checkpoints reached"))

        // The witness's copy, and the public key it checks them with, taken before the tampering.
        let exported = try herald(["audit", "checkpoints"], daemon.directory)
        #expect(exported.status == 0)
        let witness = daemon.directory.appendingPathComponent("witness.ndjson")
        try Data(exported.output.utf8).write(to: witness)
        let publicKey = try herald(["audit", "public-key"], daemon.directory).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(publicKey.count == 44)

        // The revocations go.
        try Self.sqlite(daemon.directory, "DELETE FROM consent_events WHERE id > 3")
        let cut = try herald(["audit", "verify"], daemon.directory)
        #expect(cut.status == 1)
        #expect(cut.output.contains("chain ends at event 3 but checkpoint signed at "), "\(cut.output)")
        #expect(cut.output.contains("covers 6 events"))
        #expect(cut.output.contains("the tail was cut"))

        // An attacker who also deletes the stored checkpoints (and the key file) fools the store alone...
        try Self.sqlite(daemon.directory, "DELETE FROM ledger_checkpoints")
        try FileManager.default.removeItem(at: daemon.directory.appendingPathComponent("herald-data/checkpoint.key"))
        #expect(try herald(["audit", "verify"], daemon.directory).status == 0)
        // ...but not the witness.
        let witnessed = try herald(
            ["audit", "verify", "--checkpoints", witness.path, "--public-key", publicKey], daemon.directory)
        #expect(witnessed.status == 1)
        #expect(witnessed.output.contains("covers 6 events"), "\(witnessed.output)")
        #expect(witnessed.output.contains("the tail was cut"))
        // A witness file checked without its key is refused, not silently passed.
        let unkeyed = try herald(["audit", "verify", "--checkpoints", witness.path], daemon.directory)
        #expect(unkeyed.status == 1)
        #expect(unkeyed.output.contains("not a trusted key"))
    }
}

import Foundation
import HTTPTypes
import HeraldCore
import HeraldEngine
import HeraldHTTP
import HeraldStoreSQLite
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The checkpoint signer with a pinned clock, the checkpoints listing, verification over the API and the
/// witness file: what a compliance officer (or an outside witness) sees of the signed ledger.
@Suite("Ledger checkpoints over the API")
struct CheckpointRoutesTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    struct App: Sendable {
        let client: any TestClientProtocol
        let store: SQLiteStore
        let path: String
        let signer: LedgerCheckpointService
        let witness: URL
        let clock: MovableClock

        func send(_ method: HTTPRequest.Method, _ uri: String, role: Role = .compliance, body: String? = nil)
            async throws -> TestResponse
        {
            var headers: HTTPFields = [.authorization: "Bearer hk_\(role.rawValue)"]
            if body != nil { headers[.contentType] = "application/json" }
            return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        }

        func json(_ uri: String) async throws -> [String: Any] {
            let response = try await send(.get, uri)
            #expect(response.status == .ok)
            return try response.json()
        }

        func consent(_ contact: String, _ status: String) async throws {
            let body = #"{"contact_id":"\#(contact)","channel":"sms","status":"\#(status)","source":"test"}"#
            #expect(try await send(.post, "/v1/consents", body: body).status == .created)
        }

        /// Deletes rows behind the store's back, as someone with the file would.
        func tamper(_ sql: String) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [path, sql]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    private func withApp(_ test: @Sendable (App) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("herald.sqlite").path
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        for role in Role.allCases {
            try await store.insertAPIKey(hash: APIKey.hash("hk_\(role.rawValue)"), role: role, label: nil, at: Self.start)
        }
        let clock = MovableClock(Self.start)
        let key = CheckpointKey()
        let witness = directory.appendingPathComponent("witness/checkpoints.ndjson")
        try FileManager.default.createDirectory(at: witness.deletingLastPathComponent(), withIntermediateDirectories: true)
        let signer = LedgerCheckpointService(
            store: store, key: key, witnessFile: witness, now: { clock.now }, logger: Logger(label: "test"))
        var deps = APIDependencies(
            store: store, fanoutSignal: WorkSignal(), unsubscribeSecret: Array("s".utf8), now: { clock.now })
        deps.checkpointKey = key.publicKey
        try await Application(router: HeraldAPI(deps: deps).router()).test(.router) { client in
            try await test(App(client: client, store: store, path: path, signer: signer, witness: witness, clock: clock))
        }
        try await store.close()
    }

    @Test("the signer signs the head only when it moved; the listing pages and carries the public key")
    func signAndList() async throws {
        try await withApp { app in
            #expect(try await app.signer.checkpoint() == nil)  // an empty ledger has nothing to sign
            try await app.consent("a", "granted")
            try await app.consent("b", "granted")
            let first = try #require(try await app.signer.checkpoint())
            #expect(first.events == 2)
            #expect(first.signedAt == Self.start)
            app.clock.advance(60)
            #expect(try await app.signer.checkpoint() == nil)  // nothing new
            try await app.consent("a", "revoked")
            app.clock.advance(60)
            let second = try #require(try await app.signer.checkpoint())
            #expect(second.events == 3)

            let page = try await app.json("/v1/audit/checkpoints?limit=1")
            let key = try #require(page["public_key"] as? String)
            let listed = try #require(page["checkpoints"] as? [[String: Any]])
            #expect(listed.count == 1)
            #expect(listed.first?["events"] as? Int == 2)
            #expect(listed.first?["signature"] as? String == first.signature)
            #expect(page["key_id"] as? String == first.keyId)
            let cursor = try #require(page["next_cursor"] as? String)
            let rest = try await app.json("/v1/audit/checkpoints?limit=1&cursor=\(cursor)")
            #expect((rest["checkpoints"] as? [[String: Any]])?.first?["events"] as? Int == 3)
            // The listed key checks the listed signature: a witness needs nothing else.
            #expect(try CheckpointPublicKey(base64: key).isValidSignature(of: first))

            #expect(try await app.send(.get, "/v1/audit/checkpoints", role: .ops).status == .forbidden)
            #expect(try await app.send(.get, "/v1/audit/checkpoints?cursor=x").status == .badRequest)
            #expect(try await app.send(.get, "/v1/audit/checkpoints?limit=0").status == .badRequest)
        }
    }

    @Test("verify fails naming the cut after the last event is deleted, and the witness file names it too")
    func verifyNamesACutTail() async throws {
        try await withApp { app in
            for index in 0..<4 { try await app.consent("c\(index)", index < 2 ? "granted" : "revoked") }
            _ = try await app.signer.checkpoint()
            let fine = try await app.json("/v1/audit/verify")
            #expect(fine["ok"] as? Bool == true)
            #expect(fine["checkpoints_met"] as? Int == 1)

            try app.tamper("DELETE FROM consent_events WHERE id = 4")
            let cut = try await app.json("/v1/audit/verify")
            #expect(cut["ok"] as? Bool == false)
            #expect(cut["events"] as? Int == 3)
            let problem = try #require(cut["problem"] as? String)
            #expect(problem.hasPrefix("chain ends at event 3 but checkpoint signed at \(Timestamp.format(Self.start)) covers 4 events"))
            #expect(problem.hasSuffix("the tail was cut"))

            // The witness file holds the same checkpoint, one JSON line, readable back for `verify --checkpoints`.
            let text = try String(contentsOf: app.witness, encoding: .utf8)
            let witnessed = try LedgerAudit.parseCheckpoints(ndjson: text)
            #expect(witnessed.map(\.events) == [4])
            try app.tamper("DELETE FROM ledger_checkpoints")
            #expect(try await app.json("/v1/audit/verify")["ok"] as? Bool == true)  // the store alone is fooled
            let fromWitness = try await LedgerAudit.verify(app.store, given: witnessed, trusted: [try publicKey(app)])
            #expect(!fromWitness.ok)
            #expect(fromWitness.checkpointProblems.first?.hasSuffix("the tail was cut") == true)
        }
    }

    @Test("the access export carries the newest checkpoint and the key that checks it")
    func exportCarriesTheCheckpoint() async throws {
        try await withApp { app in
            try await app.consent("ann", "granted")
            let signed = try #require(try await app.signer.checkpoint())
            let export = try await app.json("/v1/contacts/ann/export")
            let checkpoint = try #require(export["ledger_checkpoint"] as? [String: Any])
            #expect(checkpoint["head_hash"] as? String == signed.headHash)
            #expect(checkpoint["signature"] as? String == signed.signature)
            #expect(export["ledger_public_key"] as? String != nil)
        }
    }

    private func publicKey(_ app: App) async throws -> CheckpointPublicKey {
        let page = try await app.json("/v1/audit/checkpoints")
        return try CheckpointPublicKey(base64: try #require(page["public_key"] as? String))
    }
}

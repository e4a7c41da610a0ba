import Foundation
import HTTPTypes
import HeraldCore
import HeraldEngine
import HeraldHTTP
import HeraldStoreSQLite
import Hummingbird
import HummingbirdTesting
import NIOCore

/// The HTTP API in-process over a fresh SQLite file, with one API key per role.
struct HeraldHarness: Sendable {
    static let secret = Array("test-secret".utf8)
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    let client: any TestClientProtocol
    let store: any Store

    static func key(_ role: Role) -> String { "hk_test_\(role.rawValue)" }

    static func api(
        store: any Store, templates: (any TemplateStore)? = nil, inbound: (any InboundHandling)? = nil
    ) -> HeraldAPI {
        HeraldAPI(
            deps: APIDependencies(
                store: store, templates: templates, fanoutSignal: WorkSignal(), unsubscribeSecret: secret,
                inbound: inbound))
    }

    /// Runs `test` against a new app on a new store; the store file is removed afterwards.
    static func run(
        inbound: (any InboundHandling)? = nil, _ test: @Sendable (HeraldHarness) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-http-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
        try await store.migrate()
        for role in Role.allCases {
            try await store.insertAPIKey(hash: APIKey.hash(key(role)), role: role, label: role.rawValue, at: now)
        }
        let app = Application(router: api(store: store, templates: store, inbound: inbound).router())
        try await app.test(.router) { client in
            try await test(HeraldHarness(client: client, store: store))
        }
        try await store.close()
    }

    /// Sends a request as `role` (nil: no Authorization header) with a raw text body.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, as role: Role? = .admin, body: String? = nil,
        contentType: String = "application/json"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let role { headers[.authorization] = "Bearer \(Self.key(role))" }
        if body != nil { headers[.contentType] = contentType }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Enqueues `spec` as admin and returns the new job's id.
    func createJob(_ body: String) async throws -> Int64 {
        let response = try await send(.post, "/v1/jobs", body: body)
        guard response.status == .accepted, let id = try response.json()["id"] as? Int else {
            throw HarnessError.unexpected(response.status.code, String(buffer: response.body))
        }
        return Int64(id)
    }

    /// Writes deliveries for a job the way fan-out would (no policy runs here), then marks fan-out done.
    func writeDeliveries(jobId: Int64, _ rows: [(contact: String, channel: ChannelKind, state: DeliveryState, reason: SuppressionReason?)]) async throws {
        guard let job = try await store.claimFanout(owner: "test", now: Self.now, leaseUntil: Self.now + 60), job.id == jobId
        else { throw HarnessError.unexpected(0, "job \(jobId) could not be claimed") }
        let deliveries = rows.map { row in
            NewDelivery(
                job: job.spec, jobId: jobId, contactId: row.contact, channel: row.channel, state: row.state,
                reason: row.reason, notBefore: Self.now,
                trace: [TraceStep(rule: "test", outcome: row.state.rawValue, detail: "written by the test")])
        }
        let batch = FanoutBatch(
            jobId: jobId, owner: "test", deliveries: deliveries, cursor: nil, audienceAdded: rows.count, finished: true,
            leaseUntil: Self.now + 60, at: Self.now)
        guard try await store.writeFanoutBatch(batch) else { throw HarnessError.unexpected(0, "batch refused") }
    }
}

enum HarnessError: Error {
    case unexpected(Int, String)
}

extension TestResponse {
    /// The body as a JSON object (empty when it is not one).
    func json() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
    }

    var text: String { String(buffer: body) }

    /// The `error` member of an error envelope: code, message, field.
    func error() throws -> (code: String?, message: String?, field: String?) {
        let error = try json()["error"] as? [String: Any] ?? [:]
        return (error["code"] as? String, error["message"] as? String, error["field"] as? String)
    }
}

/// A job body with sensible defaults; tests override the parts they exercise.
func jobJSON(
    key: String = "job-1", purpose: String = "\"transactional\"", audience: String = #"{"contact_ids": ["u1"]}"#,
    channels: String = #"["sms"]"#, content: String = #"{"sms": {"text": "Your code is 1234"}}"#, extra: String = ""
) -> String {
    """
    {"idempotency_key": "\(key)", "purpose": \(purpose), "audience": \(audience), "channels": \(channels),
     "content": \(content)\(extra)}
    """
}

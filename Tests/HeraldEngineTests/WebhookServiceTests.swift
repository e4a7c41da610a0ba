import Foundation
import HeraldCore
import HeraldEngine
import HeraldStoreSQLite
import Logging
import Synchronization
import Testing

/// The webhook dispatcher driven step by step on a real SQLite file, with a pinned clock and a receiver
/// whose answers the test scripts.
@Suite("Webhook dispatcher")
struct WebhookServiceTests {
    @Test func sendsTheLogInBatchesOfTheConfiguredSize() async throws {
        try await withDispatcher(batch: 100) { fixture in
            try await fixture.consentEvents(250)
            while try await fixture.service.step() {}
            #expect(fixture.receiver.posts.map(\.count) == [100, 100, 50])
            let ids = fixture.receiver.posts.flatMap { $0 }
            #expect(Set(ids).count == 250)
            #expect(try await fixture.store.webhookProgress("crm").lag == 0)
        }
    }

    @Test func theBodyCarriesTheEventsFactsAndASignature() async throws {
        try await withDispatcher(batch: 10) { fixture in
            try await fixture.consentEvents(1)
            _ = try await fixture.service.step()
            let envelope = try #require(fixture.receiver.envelopes.first)
            #expect(envelope.webhook == "crm")
            let event = try #require(envelope.events.first)
            #expect(event.id.hasPrefix("evt_"))
            #expect(event.type == .consentChanged)
            #expect(event.timestamp == fixture.clock.now)
            #expect(event.data.contactId == "c0")
            #expect(event.data.channel == "*")
            #expect(event.data.status == "granted")
            #expect(event.data.source == "api")
            #expect(event.data.consentEventId != nil)
            #expect(event.data.deliveryId == nil)
            let headers = try #require(fixture.receiver.headers.first)
            #expect(headers["webhook-signature"]?.hasPrefix("v1,") == true)
            #expect(headers["webhook-id"]?.hasPrefix("msg_") == true)
            #expect(headers["webhook-timestamp"] == String(Int64(fixture.clock.now.timeIntervalSince1970)))
        }
    }

    @Test func honoursRetryAfterAndDeliversOnceTheReceiverRecovers() async throws {
        try await withDispatcher(batch: 100) { fixture in
            try await fixture.consentEvents(3)
            fixture.receiver.script([WebhookResponse(status: 503, retryAfter: "120")])
            _ = try await fixture.service.step()
            let failed = try await fixture.store.webhookRetries("crm", status: .failed, afterEventId: 0, limit: 10)
            #expect(failed.count == 3)
            #expect(failed.allSatisfy { $0.nextAt >= fixture.clock.now.addingTimeInterval(120) })
            #expect(failed.first?.lastError == "HTTP 503")
            fixture.clock.advance(60)
            _ = try await fixture.service.step()
            #expect(fixture.receiver.posts.count == 1, "not before Retry-After")
            fixture.clock.advance(61)
            _ = try await fixture.service.step()
            #expect(fixture.receiver.delivered.count == 3)
            #expect(try await fixture.store.webhookRetries("crm", status: .failed, afterEventId: 0, limit: 10).isEmpty)
        }
    }

    @Test func theBreakerPausesAFailingEndpointThenProbes() async throws {
        try await withDispatcher(batch: 1, cooldown: 30) { fixture in
            try await fixture.consentEvents(10)
            fixture.receiver.script(Array(repeating: WebhookResponse(status: 500), count: 100))
            for _ in 0..<6 { _ = try await fixture.service.step() }
            #expect(fixture.receiver.posts.count == 5, "five failures open the breaker")
            #expect(fixture.health.breakerState("crm") == .open)
            fixture.clock.advance(31)
            _ = try await fixture.service.step()
            #expect(fixture.receiver.posts.count == 6, "one probe after the cooldown")
        }
    }

    @Test func parksAfterTheHorizonAndAReplaySendsAgain() async throws {
        try await withDispatcher(batch: 100, horizon: 3600) { fixture in
            try await fixture.consentEvents(1)
            fixture.receiver.script(Array(repeating: WebhookResponse(status: 500), count: 2))
            _ = try await fixture.service.step()
            fixture.clock.advance(3601)
            _ = try await fixture.service.step()
            let parked = try await fixture.store.webhookRetries("crm", status: .parked, afterEventId: 0, limit: 10)
            #expect(parked.count == 1)
            #expect(parked.first?.attempts == 2)
            fixture.clock.advance(86_400)
            _ = try await fixture.service.step()
            #expect(fixture.receiver.posts.count == 2, "a parked event is not retried")
            #expect(
                try await fixture.store.replayWebhookEvents("crm", eventIds: parked.map(\.eventId), at: fixture.clock.now) == 1)
            _ = try await fixture.service.step()
            #expect(fixture.receiver.delivered.count == 1)
        }
    }
}

/// Records every POST (its event ids) and answers from a script; 204 once the script runs out.
final class ScriptedReceiver: WebhookTransport {
    private let state = Mutex(
        (script: [WebhookResponse](), posts: [[String]](), delivered: [String](), envelopes: [WebhookEnvelope](),
            headers: [[String: String]]()))

    func script(_ responses: [WebhookResponse]) { state.withLock { $0.script = responses } }
    var posts: [[String]] { state.withLock { $0.posts } }
    var delivered: [String] { state.withLock { $0.delivered } }
    var envelopes: [WebhookEnvelope] { state.withLock { $0.envelopes } }
    var headers: [[String: String]] { state.withLock { $0.headers } }

    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws
        -> WebhookResponse
    {
        let envelope = try HeraldJSON.decoder().decode(WebhookEnvelope.self, from: Data(body))
        let ids = envelope.events.map(\.id)
        return state.withLock { state in
            state.posts.append(ids)
            state.envelopes.append(envelope)
            state.headers.append(Dictionary(headers, uniquingKeysWith: { $1 }))
            let response = state.script.isEmpty ? WebhookResponse(status: 204) : state.script.removeFirst()
            if response.succeeded { state.delivered += ids }
            return response
        }
    }

    func shutdown() async {}
}

struct WebhookFixture {
    let store: SQLiteStore
    let service: WebhookService
    let receiver: ScriptedReceiver
    let clock: TestClock
    let health: WebhookHealth

    func consentEvents(_ count: Int) async throws {
        for index in 0..<count {
            _ = try await store.appendConsent(
                ConsentInput(contactId: "c\(index)", channel: "*", status: .granted, source: "api", occurredAt: clock.now),
                at: clock.now)
        }
    }
}

private func withDispatcher(
    batch: Int, cooldown: TimeInterval = 30, horizon: TimeInterval = 86_400, _ body: (WebhookFixture) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-hooks-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteStore(path: directory.appendingPathComponent("herald.sqlite").path)
    try await store.migrate()
    let endpoint = WebhookEndpoint(
        id: "crm", url: "http://127.0.0.1:9/hook",
        signer: try StandardWebhookSigner(secret: StandardWebhookSigner.generateSecret(), field: "secret"),
        events: [.consentChanged], batch: batch, retryHorizon: horizon, backoffInitial: 10, backoffMax: 60,
        breakerCooldown: cooldown)
    try await store.installWebhookEvents(endpoint.events, endpoints: [endpoint.id])
    let clock = TestClock()
    let receiver = ScriptedReceiver()
    let health = WebhookHealth()
    let service = WebhookService(
        endpoints: [endpoint], store: store, transport: receiver, owner: "n1", health: health,
        logger: Logger(label: "test"), now: clock.closure, jitter: { 0.5 })
    do {
        try await body(WebhookFixture(store: store, service: service, receiver: receiver, clock: clock, health: health))
    } catch {
        try? await store.close()
        throw error
    }
    try await store.close()
}

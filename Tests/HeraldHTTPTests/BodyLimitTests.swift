import Foundation
import HTTPTypes
import HeraldCore
import HeraldHTTP
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// Counts the bodies it is handed: a refused request must never get this far.
final class CountingInbound: InboundHandling {
    let parsed = Mutex(0)

    func admit(channelId: String, headers: [String: String], query: String?) throws {
        guard channelId == "sms-main" else { throw HeraldError.notFound("channel") }
    }

    func parse(channelId: String, headers: [String: String], query: String?, body: Data) async throws -> [InboundAction] {
        parsed.withLock { $0 += 1 }
        return try await ReplyParser().parse(channelId: channelId, headers: headers, query: query, body: body)
    }
}

/// Public routes (provider callbacks, sign-in, one-click unsubscribe) take small bodies; a bigger one is
/// a 413 decided from the headers, before the body is read.
@Suite("Body limits")
struct BodyLimitTests {
    static let twoMiB = String(repeating: "x", count: 2 << 20)

    private func post(_ app: HeraldHarness, _ uri: String, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await app.client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("a sign-in form over 4 KiB is 413, not read and parsed")
    func login() async throws {
        try await HeraldHarness.run { app in
            let response = try await post(app, "/ui/login", "key=" + String(repeating: "k", count: 8192))
            #expect(response.status == .contentTooLarge)
            #expect(try response.error().code == "payload_too_large")
        }
    }

    @Test("a one-click unsubscribe POST over 4 KiB is 413")
    func unsubscribe() async throws {
        try await HeraldHarness.run { app in
            let response = try await post(app, "/u/anything", String(repeating: "u", count: 8192))
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test("an inbound callback over 1 MiB is 413 and never reaches the provider parser")
    func inbound() async throws {
        let inbound = CountingInbound()
        try await HeraldHarness.run(inbound: inbound) { app in
            let secret: HTTPFields = [HTTPField.Name("X-Secret")!: "s3cret"]
            let big = try await post(app, "/v1/inbound/sms-main", Self.twoMiB, headers: secret)
            #expect(big.status == .contentTooLarge)
            #expect(try await post(app, "/v1/inbound/sms-main", "STOP", headers: secret).status == .ok)
            #expect(try await post(app, "/v1/inbound/elsewhere", "STOP", headers: secret).status == .notFound)
            #expect(inbound.parsed.withLock { $0 } == 1)
        }
    }

    @Test("an authenticated import may still be large")
    func batchStaysLarge() async throws {
        try await HeraldHarness.run { app in
            let lines = (0..<30_000).map { #"{"id": "c\#($0)", "attributes": {"note": "0123456789012345678901234567890123456789"}}"# }
            let body = lines.joined(separator: "\n")
            #expect(body.utf8.count > 2 << 20)
            let response = try await app.send(.post, "/v1/contacts/batch", as: .enqueue, body: body)
            #expect(response.status == .ok)
        }
    }
}

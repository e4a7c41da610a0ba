import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// What a provider's connections do that a fake built on a proper HTTP server never would: close a
/// kept-alive connection without saying so, or answer with bytes that are not HTTP.
@Suite struct HTTP1ConnectionLossTests {
    let telegram: Profile
    init() throws { telegram = try ProfileCatalog.load(directory: ChannelsFolder.url).profile("telegram") }

    func message(_ index: Int) -> OutboundMessage {
        OutboundMessage(
            deliveryId: Int64(index), jobId: 1, contactId: "c", channel: .messenger, purpose: .transactional,
            topic: nil, addresses: ["telegram:\(1000 + index)"], content: .messenger(text: "کد \(index)"),
            unsubscribeURL: nil, idempotencyKey: "k\(index)", attempt: 1)
    }

    func driver(port: Int) throws -> HTTPProfileDriver {
        try HTTPProfileDriver(
            profile: telegram, instanceId: "tg", baseURL: "http://127.0.0.1:\(port)",
            secrets: ["bot_token": "123456:SECRET-token"], connections: 1, timeout: .seconds(5))
    }

    /// Each connection answers its first request, then drops the second without a byte: an orderly close
    /// (what a server's idle timeout does to a request that crossed it on the wire) or a reset (ECONNRESET).
    @Test(
        "a request a provider drops or resets on a kept-alive connection, unanswered, goes again on a new one",
        arguments: [false, true])
    func unansweredRequestOnReusedConnectionIsReplayed(resets: Bool) async throws {
        let server = try RawHTTPServer(resets: resets) { _, request in
            request == 0 ? (RawHTTPServer.ok(#"{"ok":true,"result":{"message_id":7}}"#), false) : ([], true)
        }
        defer { server.stop() }
        let driver = try driver(port: server.port)
        var outcomes: [AttemptOutcome] = []
        for index in 0..<3 { outcomes.append(await driver.send(message(index)).outcome) }
        await driver.shutdown()
        #expect(outcomes == [.sent, .sent, .sent])
        // Messages 2 and 3 each went out twice: once into a closing connection, once answered.
        #expect(server.requests == 5)
        #expect(server.connections == 3)
    }

    @Test("a provider that silently closes each connection after one answer still gets every message, once each")
    func silentCloseAfterEachAnswer() async throws {
        let server = try RawHTTPServer { _, _ in
            (RawHTTPServer.ok(#"{"ok":true,"result":{"message_id":7}}"#), true)
        }
        defer { server.stop() }
        let driver = try driver(port: server.port)
        var outcomes: [AttemptOutcome] = []
        for index in 0..<4 { outcomes.append(await driver.send(message(index)).outcome) }
        await driver.shutdown()
        #expect(outcomes == Array(repeating: .sent, count: 4))
        #expect(server.requests == 4)
    }

    @Test("an answer that is not HTTP is a retry that says so, without the URL or token")
    func notHTTPIsARetry() async throws {
        let server = try RawHTTPServer { _, _ in (Array("220 smtp.example ESMTP ready\r\n\r\n".utf8), true) }
        defer { server.stop() }
        let driver = try driver(port: server.port)
        let result = await driver.send(message(1))
        await driver.shutdown()
        #expect(result.outcome == .retry)
        #expect(result.error == "network: invalid response")
    }

    @Test("a provider that is not listening is a retry reading 'could not connect'")
    func nobodyListening() async throws {
        let server = try RawHTTPServer { _, _ in ([], true) }
        let port = server.port
        server.stop()
        let driver = try driver(port: port)
        let results = await driver.send(batch: [message(1), message(2), message(3)], concurrency: 1)
        await driver.shutdown()
        #expect(results.map(\.outcome) == [.retry, .retry, .retry])
        #expect(results.allSatisfy { $0.error == "network: could not connect" })
    }
}

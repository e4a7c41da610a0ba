import Foundation
import Testing

@testable import HeraldChannels

/// Idle keep-alive connections are closed by Herald before a firewall or NAT forgets them silently, and
/// a connection in steady use is kept.
@Suite struct HTTP1IdleCloseTests {
    func request(port: Int) -> PreparedRequest {
        PreparedRequest(
            method: "POST", url: "http://127.0.0.1:\(port)/send", headers: [.init(name: "Content-Type", value: "text/plain")],
            body: Array("hello".utf8))
    }

    /// Waits until `condition` holds, for at most `limit`: the close happens on an event loop, not here.
    func eventually(within limit: Duration = .seconds(5), _ condition: () -> Bool) async throws {
        let end = ContinuousClock.now + limit
        while !condition(), ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
    }

    @Test("a connection idle past the idle timeout is closed, and the next request opens a fresh one")
    func idleConnectionIsClosed() async throws {
        let server = try RawHTTPServer { _, _ in (RawHTTPServer.ok(#"{"ok":true}"#), false) }
        defer { server.stop() }
        let client = try HTTP1Client(connections: 1, idleTimeout: .milliseconds(200))
        let first = try await client.execute(request(port: server.port), keptHeaders: [], timeout: .seconds(5))
        try await eventually { server.closedByClient == 1 }
        #expect(server.closedByClient == 1)
        let second = try await client.execute(request(port: server.port), keptHeaders: [], timeout: .seconds(5))
        await client.shutdown()
        #expect(first.status == 200)
        #expect(second.status == 200)
        #expect(server.connections == 2)
    }

    @Test("a connection reused well within the idle timeout stays open")
    func busyConnectionIsKept() async throws {
        let server = try RawHTTPServer { _, _ in (RawHTTPServer.ok(#"{"ok":true}"#), false) }
        defer { server.stop() }
        let client = try HTTP1Client(connections: 1, idleTimeout: .seconds(30))
        for _ in 0..<3 {
            _ = try await client.execute(request(port: server.port), keptHeaders: [], timeout: .seconds(5))
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(server.closedByClient == 0)
        await client.shutdown()
        #expect(server.connections == 1)
        #expect(server.requests == 3)
    }
}

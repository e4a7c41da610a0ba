import Foundation
import Synchronization
import Testing

@testable import HeraldChannels

/// An urgent request (an OTP) posted while a campaign's batch is queued for the same provider goes out on
/// the next free connection instead of waiting for the whole batch.
@Suite struct HTTP1UrgentQueueTests {
    func request(port: Int, _ path: String) -> PreparedRequest {
        PreparedRequest(method: "POST", url: "http://127.0.0.1:\(port)/\(path)", headers: [], body: Array("x".utf8))
    }

    @Test("an urgent request overtakes a queued batch on a one-connection pool")
    func urgentOvertakesQueuedBatch() async throws {
        // 20 ms per answer: the batch of 40 keeps the only connection busy for about 0.8 s. The first answer also
        // waits until the OTP has been posted, so the batch cannot be over before the OTP is queued, however slow
        // the machine.
        let posted = PostedFlag()
        let server = try RawHTTPServer { _, request in
            if request == 0 {
                while !posted.isSet { Thread.sleep(forTimeInterval: 0.005) }
                Thread.sleep(forTimeInterval: 0.1)
            }
            Thread.sleep(forTimeInterval: 0.02)
            return (RawHTTPServer.ok("{}"), false)
        }
        defer { server.stop() }
        let client = try HTTP1Client(connections: 1, idleTimeout: .seconds(30))
        let port = server.port
        let batch = Task {
            let requests = (0..<40).map { request(port: port, "campaign/\($0)") }
            return await client.execute(
                batch: requests, urgent: Array(repeating: false, count: 40), keptHeaders: [], timeout: .seconds(10))
        }
        // Posted once the batch is on the wire, so the batch is queued ahead of it.
        while server.requests == 0 { try await Task.sleep(for: .milliseconds(5)) }
        posted.set()
        let urgent = await client.execute(
            batch: [request(port: port, "otp")], urgent: [true], keptHeaders: [], timeout: .seconds(10))
        let campaign = await batch.value
        await client.shutdown()
        // What the provider saw: the OTP ahead of most of the campaign's queued requests (it is queued while the
        // first is answered, so it normally goes second), in the order the server read them.
        let lines = server.lines
        let otp = try #require(lines.firstIndex { $0.hasPrefix("POST /otp ") })
        #expect(otp < lines.count / 2, "the urgent request waited behind the queued batch: \(lines)")
        #expect((try? urgent[0].outcome.get().status) == 200)
        #expect(campaign.allSatisfy { (try? $0.outcome.get().status) == 200 })
        #expect(server.requests == 41)
    }
}

/// Set once by the test, read by the server's thread.
private final class PostedFlag: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var isSet: Bool { state.withLock { $0 } }
}

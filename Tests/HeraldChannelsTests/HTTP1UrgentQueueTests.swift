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
        // 20 ms per answer: the batch of 40 keeps the only connection busy for about 0.8 s.
        let server = try RawHTTPServer { _, _ in
            Thread.sleep(forTimeInterval: 0.02)
            return (RawHTTPServer.ok("{}"), false)
        }
        defer { server.stop() }
        let client = try HTTP1Client(connections: 1, idleTimeout: .seconds(30))
        let batchDone = Atomic(false)
        let port = server.port
        let batch = Task {
            let requests = (0..<40).map { request(port: port, "campaign/\($0)") }
            let outcomes = await client.execute(
                batch: requests, urgent: Array(repeating: false, count: 40), keptHeaders: [], timeout: .seconds(10))
            batchDone.store(true, ordering: .sequentiallyConsistent)
            return outcomes
        }
        try await Task.sleep(for: .milliseconds(100))
        let urgent = await client.execute(
            batch: [request(port: port, "otp")], urgent: [true], keptHeaders: [], timeout: .seconds(10))
        let overtook = !batchDone.load(ordering: .sequentiallyConsistent)
        let campaign = await batch.value
        await client.shutdown()
        #expect(overtook, "the urgent request waited for the whole queued batch")
        #expect((try? urgent[0].outcome.get().status) == 200)
        #expect(campaign.allSatisfy { (try? $0.outcome.get().status) == 200 })
        #expect(server.requests == 41)
    }
}

import Foundation
import Testing

/// SPEC §7 / issue 5: when PostgreSQL goes away mid-run a node says so and keeps what it accepted; when the
/// database returns, the node resumes on its own and every delivery goes out.
@Suite(
    "A node whose PostgreSQL goes away and comes back", .serialized,
    .enabled(if: !MultiNodeEnvironment.skipped, "HERALD_SKIP_POSTGRES=1"))
struct DatabaseOutageTests {
    static let contactCount = 3000
    static let claimBatch = 100

    @Test("the database stops mid-run: /readyz and intake answer 503; once it is back every delivery is sent")
    func outageMidRunLosesNothing() async throws {
        let database = try PrivatePostgres.create()
        defer { database.remove() }
        // The channel's rate limit keeps the job running long enough to pull the database from under it: 15 s,
        // since stopping PostgreSQL on a loaded 2-core machine once took longer than the 6 s that rate 500 left.
        let cluster = try HeraldCluster(
            nodes: 1,
            engine: """
                engine: {send_lease_seconds: 5, fanout_lease_seconds: 5, claim_batch_size: \(Self.claimBatch), \
                fanout_batch_size: 100}
                """,
            channels: "- {id: log-sms, kind: sms, driver: log, rate: 200, options: {path: OUTBOX}}",
            server: database.url)
        defer { cluster.shutdown() }
        let key = try await cluster.prepare(contacts: Self.contactCount)
        try await cluster.start()
        let node = cluster.nodes[0]
        let job = try await cluster.enqueue(
            key: "bulk", purpose: "transactional", ids: (0..<Self.contactCount).map(HeraldCluster.contactId))

        // Pulled early, while fan-out is still writing batches and sends are going out: both must resume.
        try await Self.waitForSends(node.outboxPath, atLeast: 50)
        try database.stop()
        let sentAtOutage = Outbox.lineCount(node.outboxPath)
        try #require(sentAtOutage < Self.contactCount, "the job finished before the database went away")

        try await Self.waitUntil("/readyz answers 503") {
            (try? await NodeHTTP.request(port: node.port, "GET", "/readyz"))?.status == 503
        }
        let body = try JSONSerialization.data(
            withJSONObject: HeraldCluster.jobBody(key: "during-outage", purpose: "transactional", ids: ["c00001"]))
        let refused = try await NodeHTTP.request(port: node.port, "POST", "/v1/jobs", key: key, body: body)
        #expect(refused.status == 503)
        #expect(String(decoding: refused.body, as: UTF8.self).contains("\"store_unavailable\""))

        try database.start()
        try await NodeHTTP.waitReady(port: node.port)
        let view = try await NodeHTTP.waitSettled(ports: [node.port], id: job, key: key, deadline: .seconds(120))
        #expect(view.byState["sent"] == Self.contactCount)

        var seen: [Int64: Int] = [:]
        for id in Outbox.deliveryIds(node.outboxPath) { seen[id, default: 0] += 1 }
        let duplicates = seen.values.filter { $0 > 1 }.count
        print("database outage: \(sentAtOutage) sent before it, \(seen.count) distinct in the end, \(duplicates) sent twice")
        #expect(seen.count == Self.contactCount, "every delivery reached the outbox")
        // Only sends whose outcome could not be recorded during the outage may go out again.
        #expect(duplicates <= Self.claimBatch * 2)
        #expect(try await cluster.cli(["audit", "verify"]).hasPrefix("ok"))
    }

    static func waitForSends(_ outbox: String, atLeast count: Int) async throws {
        try await waitUntil("\(count) sends") { Outbox.lineCount(outbox) >= count }
    }

    static func waitUntil(
        _ what: String, deadline: Duration = .seconds(60), _ condition: () async -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let end = clock.now + deadline
        while clock.now < end {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClusterError("timed out waiting for \(what)")
    }
}

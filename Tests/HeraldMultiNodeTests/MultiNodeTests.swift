import Foundation
import Testing

/// Three `herald serve` processes on one PostgreSQL database, as in production: they share the queue
/// through leases, every send lands in exactly one node's outbox, and a node killed mid-run loses nothing.
@Suite(
    "Several herald processes on one PostgreSQL database", .serialized,
    .enabled(if: !MultiNodeEnvironment.skipped, "HERALD_SKIP_POSTGRES=1"))
struct MultiNodeTests {
    static let contactCount = 20_000
    static let claimBatch = 200
    /// DispatchService runs two claim loops per node plus the express loop, which also claims this test's
    /// transactional job (priority 5 = `express_priority`): a node can hold three batches at once.
    static let claimLoops = 3
    static let killAfterSends = 1000

    static let engine = """
        engine: {send_lease_seconds: 5, fanout_lease_seconds: 5, claim_batch_size: \(claimBatch), fanout_batch_size: 2000}
        """

    @Test("20,000 sends shared by three nodes: each delivery sent exactly once; a cap holds across nodes")
    func sharedWorkExactlyOnce() async throws {
        let cluster = try HeraldCluster(
            nodes: 3, engine: Self.engine,
            policy: "policy: {quiet_hours: [], caps: [{purpose: marketing, channel: \"*\", max: 2, per: 24h, on_exceed: drop}]}")
        defer { cluster.shutdown() }
        let key = try await cluster.prepare(contacts: Self.contactCount)
        try await cluster.start()
        let ports = cluster.nodes.map(\.port)

        let bulk = try await cluster.enqueue(
            key: "bulk", purpose: "transactional", ids: (0..<Self.contactCount).map(HeraldCluster.contactId))
        let view = try await NodeHTTP.waitSettled(ports: ports, id: bulk, key: key)
        #expect(view.byState["sent"] == Self.contactCount)

        let perNode = cluster.nodes.map { Outbox.deliveryIds($0.outboxPath) }
        let all = perNode.flatMap { $0 }
        let distinct = Set(all)
        print("multi-node: sends per node \(perNode.map(\.count)), total \(all.count), distinct \(distinct.count)")
        #expect(all.count == Self.contactCount)
        #expect(distinct.count == Self.contactCount)
        #expect(perNode.allSatisfy { !$0.isEmpty }, "every node took a share of the work")

        // The cap: 50 consenting contacts × 3 marketing jobs under "2 per 24h" → exactly 100 sends.
        let vips = (0..<50).map(HeraldCluster.contactId)
        for contact in vips {
            let body = try JSONSerialization.data(withJSONObject: [
                "contact_id": contact, "channel": "*", "status": "granted", "source": "test",
            ])
            let answer = try await NodeHTTP.request(port: ports[0], "POST", "/v1/consents", key: key, body: body)
            try #require(answer.status == 201)
        }
        let before = all.count
        var capped = 0
        var jobs: [Int64] = []
        for round in 0..<3 { jobs.append(try await cluster.enqueue(key: "promo-\(round)", purpose: "marketing", ids: vips)) }
        for job in jobs {
            let view = try await NodeHTTP.waitSettled(ports: ports, id: job, key: key, deadline: .seconds(120))
            capped += view.byState["suppressed"] ?? 0
        }
        let marketingSends = cluster.nodes.map { Outbox.lineCount($0.outboxPath) }.reduce(0, +) - before
        print("multi-node: cap check sent \(marketingSends), suppressed \(capped)")
        #expect(marketingSends == 100)
        #expect(capped == 50)

        #expect(try await cluster.cli(["audit", "verify"]).hasPrefix("ok"))
    }

    @Test("a node killed with SIGKILL mid-run: the others finish its leased work; nothing is lost")
    func killedNodeLosesNothing() async throws {
        let cluster = try HeraldCluster(nodes: 3, engine: Self.engine)
        defer { cluster.shutdown() }
        let key = try await cluster.prepare(contacts: Self.contactCount)
        try await cluster.start()
        let ports = cluster.nodes.map(\.port)

        let bulk = try await cluster.enqueue(
            key: "bulk", purpose: "transactional", ids: (0..<Self.contactCount).map(HeraldCluster.contactId))
        // Kill node 2 once it has sent a few batches, well before the job can be done.
        let victim = cluster.nodes[2]
        let clock = ContinuousClock()
        let waitEnd = clock.now + .seconds(120)
        while Outbox.lineCount(victim.outboxPath) < Self.killAfterSends, clock.now < waitEnd {
            try await Task.sleep(for: .milliseconds(20))
        }
        cluster.kill(2)
        let sentBeforeKill = Outbox.lineCount(victim.outboxPath)
        try #require(sentBeforeKill > 0, "node 2 never sent anything")
        try #require(sentBeforeKill < Self.contactCount, "node 2 finished everything before it was killed")

        let view = try await NodeHTTP.waitSettled(ports: Array(ports[0..<2]), id: bulk, key: key)
        #expect(view.byState["sent"] == Self.contactCount)
        #expect(view.pending == 0)

        let all = cluster.nodes.flatMap { Outbox.deliveryIds($0.outboxPath) }
        var seen: [Int64: Int] = [:]
        for id in all { seen[id, default: 0] += 1 }
        let duplicates = seen.values.filter { $0 > 1 }.count
        print(
            "multi-node kill -9: node 2 sent \(sentBeforeKill) before the kill; total \(all.count) lines, "
                + "\(seen.count) distinct, \(duplicates) sent twice")
        #expect(seen.count == Self.contactCount, "every delivery reached some outbox")
        #expect(seen.values.allSatisfy { $0 <= 2 })
        // Only what the dead node had claimed but not yet recorded can go out twice.
        #expect(duplicates <= Self.claimBatch * Self.claimLoops)
    }
}

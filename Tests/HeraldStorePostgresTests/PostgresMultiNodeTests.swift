import Foundation
import HeraldCore
import HeraldStorePostgres
import Testing

/// Two `PostgresStore` instances on one schema are two nodes: each has its own connection pool.
@Suite("PostgreSQL store: several nodes at once", .enabled(if: !PostgresTestDatabase.skipped, "HERALD_SKIP_POSTGRES=1"))
struct PostgresMultiNodeTests {
    @Test func twoNodesClaimingInParallelClaimEveryDeliveryExactlyOnce() async throws {
        try await withPostgresStores(nodes: 2) { nodes in
            let ids = (0..<2000).map { String(format: "c%04d", $0) }
            let job = try await seedJob(nodes[0], key: "bulk", contactIds: ids)
            let claimedPerNode = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for (index, node) in nodes.enumerated() {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let batch = try await claim(node, owner: "node-\(index)", limit: 50)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.deliveryId)
                        }
                    }
                }
                return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
            }
            let all = claimedPerNode.flatMap { $0 }
            #expect(all.count == 2000)
            #expect(Set(all).count == 2000)
            #expect(try await nodes[1].progress(jobId: job.id).byState == ["sending": 2000])
        }
    }

    @Test func aCapHoldsExactlyWhenTwoNodesClaimForOneContactAtOnce() async throws {
        try await withPostgresStores(nodes: 2) { nodes in
            try await nodes[0].upsertContacts([contact("vip")], at: t0)
            let policy = TestPolicy(capPerWindow: 3)
            // 40 one-contact jobs: one delivery each, all due now, all for the same contact.
            for index in 0..<40 { try await seedJob(nodes[index % 2], key: "cap-\(index)", contactIds: ["vip"]) }
            let sent = try await withThrowingTaskGroup(of: Int.self) { group in
                for (index, node) in nodes.enumerated() {
                    group.addTask {
                        var count = 0
                        while true {
                            let batch = try await claim(node, owner: "node-\(index)", limit: 3, policy: policy)
                            count += batch.count
                            let left = try await node.deliveries(DeliveryQuery(contactId: "vip", state: .queued, limit: 1))
                            if left.isEmpty { return count }
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(sent == 3)
            let suppressed = try await nodes[0].deliveries(DeliveryQuery(contactId: "vip", state: .suppressed))
            #expect(suppressed.count == 37)
            #expect(suppressed.allSatisfy { $0.reason == .capped })
        }
    }

    @Test func concurrentConsentAppendsFromTwoNodesFormOneUnbrokenChain() async throws {
        try await withPostgresStores(nodes: 2) { nodes in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, node) in nodes.enumerated() {
                    for event in 0..<40 {
                        group.addTask {
                            let input = ConsentInput(
                                contactId: "n\(index)-\(event % 5)", channel: "*", status: .granted, source: "api",
                                occurredAt: t0)
                            _ = try await node.appendConsent(input, at: t0.addingTimeInterval(Double(event)))
                        }
                    }
                }
                try await group.waitForAll()
            }
            var verifier = ConsentChain.Verifier()
            for event in try await nodes[0].consentEvents(ConsentExportQuery(limit: 1000)) { verifier.feed(event) }
            guard case .ok(let events, _) = verifier.result else {
                Issue.record("chain must verify: \(verifier.result)")
                return
            }
            #expect(events == 80)
        }
    }

    @Test func concurrentCreatesWithOneKeyFromTwoNodesMakeOneJob() async throws {
        try await withPostgresStores(nodes: 2) { nodes in
            let spec = jobSpec("same-key")
            let results = try await withThrowingTaskGroup(of: JobCreation.self) { group in
                for attempt in 0..<20 {
                    let node = nodes[attempt % 2]
                    group.addTask { try await node.createJob(spec, bodyHash: "h", at: t0) }
                }
                return try await group.reduce(into: [JobCreation]()) { $0.append($1) }
            }
            var created: [Int64] = []
            var existing: [Int64] = []
            for result in results {
                switch result {
                case .created(let job): created.append(job.id)
                case .existing(let job): existing.append(job.id)
                case .conflict: Issue.record("same body must never conflict")
                }
            }
            #expect(created.count == 1)
            #expect(Set(existing) == Set(created))
            #expect(existing.count == 19)
        }
    }
}

import Foundation
import HeraldCore
@testable import HeraldStorePostgres
import PostgresNIO
import Testing

/// An erasure and a send's outcome on overlapping rows, in the order only PostgreSQL allows: the outcome holds
/// the claimed row and queues a fallback under the contact's id; the erasure waits for the row, then goes on.
@Suite("PostgreSQL erasure beside an outcome in flight", .enabled(if: !PostgresTestDatabase.skipped, "HERALD_SKIP_POSTGRES=1"))
struct PostgresErasureRaceTests {
    @Test func aFallbackAndAttemptWrittenByAnOutcomeTheErasureWaitedForAreCancelledAndScrubbed() async throws {
        try await withPostgresStores { stores in
            let store = stores[0]
            let job = try await seedJob(store, key: "in-flight", contactIds: ["a"], purpose: .transactional)
            let claimed = try #require(try await claim(store).first)
            let fallback = NewDelivery(
                job: job.spec, jobId: job.id, contactId: "a", channel: .sms, state: .queued, reason: nil, notBefore: t0,
                trace: [TraceStep(rule: "fallback", outcome: "queued", detail: "email failed")])
            let (holding, held) = AsyncStream<Void>.makeStream()
            let (release, released) = AsyncStream<Void>.makeStream()
            let outcome = Task {
                try await store.transaction { connection in
                    _ = try await connection.rows(
                        "SELECT id FROM deliveries WHERE id = \(claimed.deliveryId) FOR UPDATE", logger: store.logger)
                    try await PostgresStore.insertDeliveries(connection, [fallback], at: t0.ms, logger: store.logger)
                    _ = try await connection.rows(
                        """
                        INSERT INTO attempts (delivery_id, number, at, latency_ms, instance, outcome, provider_message_id, error)
                        VALUES (\(claimed.deliveryId), 1, \(t0.ms), 5, 'mail-a', 'permanent', 'pm-held', '550 no such user')
                        """, logger: store.logger)
                    held.yield()
                    for await _ in release { break }
                }
            }
            for await _ in holding { break }
            let erasure = Task { try await store.eraseContact("a", actor: "test", at: t0, addressDigest: nil) }
            try await Task.sleep(for: .milliseconds(300))  // the erasure now waits for the held row
            released.finish()
            try await outcome.value
            let erased = try #require(try await erasure.value)
            #expect(try await store.deliveries(DeliveryQuery(contactId: "a", limit: 10)) == [], "a delivery kept the erased id")
            let moved = try await store.deliveries(DeliveryQuery(contactId: erased.tombstone, limit: 10))
            #expect(moved.count == 2)
            #expect(moved.first { $0.channel == .sms }?.state == .suppressed)
            #expect(moved.first { $0.channel == .sms }?.reason == .cancelled)
            // The outcome's attempt committed while the erasure waited: it is scrubbed like the earlier ones.
            let attempts = try #require(moved.first { $0.channel == .email }?.attempts)
            #expect(attempts.count == 1)
            #expect(attempts.allSatisfy { $0.providerMessageId == nil && $0.error == nil })
        }
    }
}

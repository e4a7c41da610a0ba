import Foundation
import HeraldCore
@testable import HeraldStorePostgres
import PostgresNIO
import Testing

/// An erasure and a send's outcome or a bounce on overlapping rows, in orders only PostgreSQL allows: the writes
/// queue for the delivery's row, and whichever comes second must see what the first did.
@Suite(
    "PostgreSQL erasure beside an outcome or a bounce in flight", .enabled(if: !PostgresTestDatabase.skipped, "HERALD_SKIP_POSTGRES=1"),
    .timeLimit(.minutes(10)))
struct PostgresErasureRaceTests {
    @Test func aFallbackAndAttemptWrittenByAnOutcomeTheErasureWaitedForAreCancelledAndScrubbed() async throws {
        try await withPostgresStores { stores in
            let store = stores[0]
            let (job, claimed) = try await claimedFor("a", store, key: "in-flight")
            let fallback = NewDelivery(
                job: job.spec, jobId: job.id, contactId: "a", channel: .sms, state: .queued, reason: nil, notBefore: t0,
                trace: [TraceStep(rule: "fallback", outcome: "queued", detail: "email failed")])
            // The outcome holds the row it answers for, having queued a fallback and logged its attempt.
            let erasure = try await holdingRow(store, claimed.deliveryId) { connection in
                try await PostgresStore.insertDeliveries(connection, [fallback], at: t0.ms, logger: store.logger)
                _ = try await connection.rows(
                    """
                    INSERT INTO attempts (delivery_id, number, at, latency_ms, instance, outcome, provider_message_id, error)
                    VALUES (\(claimed.deliveryId), 1, \(t0.ms), 5, 'mail-a', 'permanent', 'pm-held', '550 no such user')
                    """, logger: store.logger)
            } whileHeld: { holder in
                try await erasureQueued(store, behind: holder)
            }
            let erased = try #require(try await erasure.value)
            // The held email moved; the fallback it queued meanwhile was cancelled and moved by the second sweep.
            #expect(erased.deliveriesScrubbed == 2)
            #expect(erased.deliveriesCancelled == 1)
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

    /// A send answered "retry" while the erasure waited for its row: the sweep reads the row again once it has it, finds
    /// it waiting, and cancels it, so no retry goes out under the tombstone.
    @Test func aRetryQueuedWhileTheErasureWaitedIsCancelled() async throws {
        try await withPostgresStores { stores in
            let store = stores[0]
            let (_, claimed) = try await claimedFor("a", store, key: "retried")
            let erasure = try await holdingRow(store, claimed.deliveryId) { connection in
                _ = try await connection.rows(
                    """
                    UPDATE deliveries SET state = 'scheduled', lease_owner = NULL, lease_until = NULL,
                    not_before = \(t0.ms + 60_000) WHERE id = \(claimed.deliveryId)
                    """, logger: store.logger)
            } whileHeld: { holder in
                try await erasureQueued(store, behind: holder)
            }
            let erased = try #require(try await erasure.value)
            #expect(erased.deliveriesCancelled == 1)
            let moved = try await store.deliveries(DeliveryQuery(contactId: erased.tombstone, limit: 10))
            #expect(moved.map(\.state) == [.suppressed])
            #expect(moved.first?.reason == .cancelled)
        }
    }

    /// A bounce that arrives while an erasure of its contact is under way: its write waits for the delivery's row, which
    /// the erasure holds until it commits, then finds the row moved to the tombstone and writes nothing. A bounce
    /// that read the row without locking it would log the address in a line the erasure had already deleted.
    @Test func aBounceWaitingForAnErasureWritesNothingOnceItCommits() async throws {
        try await withPostgresStores { stores in
            let store = stores[0]
            let (_, claimed) = try await claimedFor("a", store, key: "bounced")
            let sent = Attempt(number: 1, at: t0, latencyMs: 5, instance: "mail-a", outcome: .sent, providerMessageId: "pm-1", error: nil)
            try await store.recordOutcomes(
                [DeliveryOutcome(deliveryId: claimed.deliveryId, owner: "node-a", attempts: [sent], next: .sent)], at: t0)
            // A third party holds the row, so the erasure queues for it first and the bounce behind it.
            let (erasure, bounce) = try await holdingRow(store, claimed.deliveryId) { holder in
                let erasure = try await erasureQueued(store, behind: holder)
                let bounce = Task {
                    try await store.recordBounce(
                        BounceRecord(
                            kind: .hard, address: "a@example.com", deliveryId: claimed.deliveryId, status: "5.1.1",
                            source: "test", contactId: "a"),
                        rule: .standard, at: t0)
                }
                try await waitUntilWaiting(store, "SELECT contact_id FROM deliveries", behind: holder)
                return (erasure, bounce)
            }
            #expect(try await erasure.value != nil)
            #expect(try await bounce.value.erased)
            #expect(try await store.bounceReports(addresses: ["a@example.com"]) == [])
            #expect(try await store.suppressions(addresses: ["a@example.com"]).isEmpty)
        }
    }

    /// The provider's answer for a message whose contact is being erased: the outcome's statement queues behind the
    /// erasure, finds the row no longer its to move, and hands it back as one to look at. Its attempt is logged
    /// without the provider's id or error, and neither its fallback nor the address it calls invalid is kept: each
    /// would bring the erased person back.
    @Test func aLateAnswerQueuedBehindAnErasureBringsNothingPersonalBack() async throws {
        try await withPostgresStores { stores in
            let store = stores[0]
            let (job, claimed) = try await claimedFor("a", store, key: "late")
            var answer = DeliveryOutcome(
                deliveryId: claimed.deliveryId, owner: "node-a",
                attempts: [
                    Attempt(
                        number: 1, at: t0, latencyMs: 5, instance: "mail-a", outcome: .invalidAddress,
                        providerMessageId: "pm-late", error: "550 5.1.1 <a@example.com>: no such user")
                ], next: .suppressed(.invalidAddress))
            answer.invalidAddresses = ["a@example.com"]
            answer.fallback = NewDelivery(
                job: job.spec, jobId: job.id, contactId: "a", channel: .sms, state: .queued, reason: nil, notBefore: t0,
                trace: [TraceStep(rule: "fallback", outcome: "queued", detail: "email failed")])
            let (erasure, outcome) = try await holdingRow(store, claimed.deliveryId) { holder in
                let erasure = try await erasureQueued(store, behind: holder)
                let outcome = Task { [answer] in try await store.recordOutcomes([answer], at: t0) }
                try await waitUntilWaiting(store, "WITH outcome AS", behind: holder)
                return (erasure, outcome)
            }
            let erased = try #require(try await erasure.value)
            try await outcome.value
            #expect(try await store.deliveries(DeliveryQuery(contactId: "a", limit: 10)) == [], "a delivery names the erased id")
            let moved = try await store.deliveries(DeliveryQuery(contactId: erased.tombstone, limit: 10))
            #expect(moved.map(\.channel) == [.email], "the fallback was queued")
            let delivery = try #require(moved.first)
            #expect(delivery.providerMessageId == nil)
            #expect(delivery.attempts.count == 1)
            #expect(delivery.attempts.allSatisfy { $0.providerMessageId == nil && $0.error == nil })
            #expect(try await store.suppressions(addresses: ["a@example.com"]).isEmpty)
        }
    }
}

/// A transactional job for contact `id`, and its one delivery claimed: the row the tests' outcomes and erasures race for.
private func claimedFor(_ id: String, _ store: PostgresStore, key: String) async throws -> (Job, ClaimedDelivery) {
    let job = try await seedJob(store, key: key, contactIds: [id], purpose: .transactional)
    return (job, try #require(try await claim(store).first))
}

/// Holds the delivery's row (`FOR UPDATE`, in a transaction of its own, after `prepare` ran in it) while `body` runs,
/// so the writes `body` starts queue for the row in the order it starts them; the row is released, and `prepare`'s
/// writes committed, when `body` returns. `body` gets the holding session's process id.
private func holdingRow<T: Sendable>(
    _ store: PostgresStore, _ deliveryId: Int64,
    prepare: @escaping @Sendable (PostgresConnection) async throws -> Void = { _ in },
    whileHeld body: (_ holder: Int32) async throws -> T
) async throws -> T {
    let (holding, held) = AsyncStream<Int32>.makeStream()
    let (release, released) = AsyncStream<Void>.makeStream()
    defer { released.finish() }
    let holder = Task {
        defer { held.finish() }
        try await store.transaction { connection in
            let pid = try await connection.rows(
                "SELECT pg_backend_pid() FROM deliveries WHERE id = \(deliveryId) FOR UPDATE", logger: store.logger
            ).first?.decode(Int32.self)
            guard let pid else { return }
            try await prepare(connection)
            held.yield(pid)
            for await _ in release { break }
        }
    }
    var holderPid: Int32?
    for await pid in holding {
        holderPid = pid
        break
    }
    guard let holderPid else {
        released.finish()
        try await holder.value
        throw TestFailure("the delivery's row could not be held")
    }
    let result = try await body(holderPid)
    released.finish()
    try await holder.value
    return result
}

/// Starts erasing contact "a" and returns once its sweep waits for a row in the lock queue behind `holder`.
private func erasureQueued(_ store: PostgresStore, behind holder: Int32) async throws -> Task<ContactErasure?, any Error> {
    let erasure = Task { try await store.eraseContact("a", actor: "test", at: t0, addressDigest: nil) }
    try await waitUntilWaiting(store, "UPDATE deliveries d SET contact_id", behind: holder)
    return erasure
}

/// Waits until a session runs a statement starting with `statement` and waits for a lock, in the queue behind the
/// `holder` session (directly, or behind a session that waits for it), so the test sets up the order of a lock queue
/// instead of betting on a sleep; sessions of tests running beside it do not count. Bounded: a setup that never
/// queues fails the test.
private func waitUntilWaiting(_ store: PostgresStore, _ statement: String, behind holder: Int32) async throws {
    let pattern = statement + "%"
    for _ in 0..<1200 {
        let rows = try await store.rows(
            """
            WITH RECURSIVE queue(pid) AS (
                SELECT \(holder)::int
                UNION SELECT a.pid FROM pg_stat_activity a JOIN queue q ON q.pid = ANY(pg_blocking_pids(a.pid)))
            SELECT count(*)::bigint FROM pg_stat_activity a JOIN queue q ON q.pid = a.pid
            WHERE a.pid <> \(holder) AND a.wait_event_type = 'Lock' AND a.query LIKE \(pattern)
            """)
        if let waiting = try rows.first?.decode(Int64.self), waiting > 0 { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("no session waited for a lock in: \(statement)")
}

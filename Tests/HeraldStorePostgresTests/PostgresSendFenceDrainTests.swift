import Foundation
import HeraldCore
@testable import HeraldStorePostgres
import Logging
import PostgresNIO
import Testing

/// A stop whose drain cannot be confirmed is answered once every hold taken before it has ended or let go by its
/// own clock (`longestHold`), not before, and not with an error: the stop is recorded, and a repeat would append
/// it to the ledger again.
@Suite("PostgreSQL send fence: an unconfirmed drain", .enabled(if: !PostgresTestDatabase.skipped, "HERALD_SKIP_POSTGRES=1"))
struct PostgresSendFenceDrainTests {
    @Test func aRevocationWhoseDrainTimesOutWaitsOutTheLongestHold() async throws {
        let database = try await PostgresTestDatabase.create()
        // A holder that outlives every limit: a session-level shared lock on another connection.
        let holder = try await PostgresConnection.connect(
            configuration: try PostgresURL(database.baseURL).connectionConfiguration(), id: 7,
            logger: Logger(label: "test.postgres.holder"))
        let limits = PostgresSendFenceLimits(longestHold: .seconds(2), drainWait: .milliseconds(500))
        let store = PostgresStore(url: try PostgresURL(database.url), sendFenceLimits: limits, logger: Logger(label: "test.postgres"))
        do {
            try await store.migrate()
            try await store.upsertContacts([contact("a")], at: t0)
            _ = try await holder.query(
                "SELECT pg_advisory_lock_shared(\(PostgresStore.LockKey.sendFence))", logger: holder.logger
            ).collect()
            let started = ContinuousClock.now
            _ = try await store.appendConsent(
                ConsentInput(
                    contactId: "a", channel: "*", topic: "*", status: .revoked, source: "test", evidence: nil, actor: "t",
                    occurredAt: t0), at: t0)
            let waited = ContinuousClock.now - started
            #expect(waited >= limits.longestHold, "answered before the holds could have ended")
            // Without lock_timeout the wait would last until the transaction's deadline (a minute here).
            #expect(waited < .seconds(30), "the server should have ended the lock wait itself")
            #expect(try await store.consentEvents(contactId: "a").map(\.status) == [.revoked])
            _ = try await holder.query(
                "SELECT pg_advisory_unlock_shared(\(PostgresStore.LockKey.sendFence))", logger: holder.logger
            ).collect()
        } catch {
            try? await holder.close()
            try? await store.close()
            try? await database.drop()
            throw error
        }
        try await holder.close()
        try await store.close()
        try await database.drop()
    }
}

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

    /// A server whose `idle_in_transaction_session_timeout` is shorter than a send would end the hold's session,
    /// and the lock with it: the hold sets its own limit, so a stop still waits for the send it did not see.
    /// Only the hold runs as the role with the short limit: postgres-nio can leave a call suspended for good on a
    /// connection the server ended (`withConnectionDeadline`), and a loaded machine can pause a second between
    /// two statements of a setup transaction.
    @Test func aHoldOutlastsTheServersIdleInTransactionTimeout() async throws {
        let database = try await PostgresTestDatabase.create()
        let role = "herald_idle_" + database.schema.suffix(8)
        try await PostgresTestDatabase.execute(base: database.baseURL, PostgresQuery(unsafeSQL: "CREATE ROLE \(role) LOGIN SUPERUSER"))
        try await PostgresTestDatabase.execute(
            base: database.baseURL,
            PostgresQuery(unsafeSQL: "ALTER ROLE \(role) SET idle_in_transaction_session_timeout = '1s'"))
        var url = try PostgresURL(database.url)
        url.username = role
        let store = try await database.makeStore()
        let holder = PostgresStore(url: url, logger: Logger(label: "test.postgres.holder"))
        do {
            try await store.upsertContacts([contact("a")], at: t0)
            let check = try await holder.lateChanges(afterEvent: 0, stopsSince: nil, jobIds: [], contactIds: ["a"], addresses: [])
            try await Task.sleep(for: .seconds(2.5))  // the send is in flight, well past the server's 1 s
            let revocation = Task {
                _ = try await store.appendConsent(
                    ConsentInput(
                        contactId: "a", channel: "*", topic: "*", status: .revoked, source: "test", evidence: nil, actor: "t",
                        occurredAt: t0), at: t0)
                return ContinuousClock.now
            }
            try await Task.sleep(for: .milliseconds(700))
            let handedOver = ContinuousClock.now
            check.hold.end()
            #expect(try await revocation.value >= handedOver, "the stop was answered while the send was in flight")
        } catch {
            try? await holder.close()
            try? await store.close()
            try? await database.drop()
            try? await PostgresTestDatabase.execute(base: database.baseURL, PostgresQuery(unsafeSQL: "DROP ROLE \(role)"))
            throw error
        }
        try await holder.close()
        try await store.close()
        try await database.drop()
        try await PostgresTestDatabase.execute(base: database.baseURL, PostgresQuery(unsafeSQL: "DROP ROLE \(role)"))
    }
}

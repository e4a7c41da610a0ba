import Foundation
import HeraldCore
@testable import HeraldStorePostgres
import Logging
import PostgresNIO
import Testing

/// A stop whose drain cannot be confirmed must not be acknowledged: the revocation is kept, but its caller gets
/// a 503 and repeats it, instead of a 2xx while a message checked before it may still be on its way.
@Suite("PostgreSQL send fence: an unconfirmed drain", .enabled(if: !PostgresTestDatabase.skipped, "HERALD_SKIP_POSTGRES=1"))
struct PostgresSendFenceDrainTests {
    @Test func aRevocationWhoseDrainTimesOutIsKeptButNotAcknowledged() async throws {
        let database = try await PostgresTestDatabase.create()
        // A node whose hold outlives every limit: a session-level shared lock on another connection.
        let holder = try await PostgresConnection.connect(
            configuration: try PostgresURL(database.baseURL).connectionConfiguration(), id: 7,
            logger: Logger(label: "test.postgres.holder"))
        var url = try PostgresURL(database.url)
        url.connectionWait = .seconds(1)
        let store = PostgresStore(url: url, sendFenceDrainLimit: .seconds(1), logger: Logger(label: "test.postgres"))
        do {
            try await store.migrate()
            try await store.upsertContacts([contact("a")], at: t0)
            let revocation = ConsentInput(
                contactId: "a", channel: "*", topic: "*", status: .revoked, source: "test", evidence: nil, actor: "t",
                occurredAt: t0)
            _ = try await holder.query(
                "SELECT pg_advisory_lock_shared(\(PostgresStore.LockKey.sendFence))", logger: holder.logger
            ).collect()
            let error = await #expect(throws: HeraldError.self) {
                _ = try await store.appendConsent(revocation, at: t0)
            }
            #expect(error?.code == "send_fence_unavailable")
            #expect(error?.statusCode == 503)
            #expect(try await store.consentEvents(contactId: "a").map(\.status) == [.revoked], "the revocation is kept")

            _ = try await holder.query(
                "SELECT pg_advisory_unlock_shared(\(PostgresStore.LockKey.sendFence))", logger: holder.logger
            ).collect()
            _ = try await store.appendConsent(revocation, at: t0)
            #expect(try await store.consentEvents(contactId: "a").count == 2, "the repeat is answered once drained")
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

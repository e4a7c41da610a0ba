import Foundation
import HeraldCore
import HeraldStorePostgres
import Testing

@Suite("PostgreSQL store: keys, contacts, jobs", .enabled(if: !PostgresTestDatabase.skipped, "HERALD_SKIP_POSTGRES=1"))
struct PostgresStoreBasicsTests {
    @Test func migratingTwiceFromTwoNodesAtOnceLeavesOneWorkingSchema() async throws {
        let database = try await PostgresTestDatabase.create()
        let first = try PostgresStore(url: database.url)
        let second = try PostgresStore(url: database.url)
        async let a: Void = first.migrate()
        async let b: Void = second.migrate()
        _ = try await (a, b)
        try await first.migrate()
        try await first.insertAPIKey(hash: "h", role: .ops, label: nil, at: t0)
        #expect(try await second.apiKeyCount() == 1)
        try await first.close()
        try await second.close()
        try await database.drop()
    }

    @Test func apiKeysAreFoundByHashOnly() async throws {
        try await withPostgresStore { store in
            #expect(try await store.apiKeyCount() == 0)
            try await store.insertAPIKey(hash: "abc", role: .compliance, label: "audit", at: t0)
            #expect(try await store.role(forKeyHash: "abc") == .compliance)
            #expect(try await store.role(forKeyHash: "nope") == nil)
            #expect(try await store.apiKeyCount() == 1)
        }
    }

    @Test func contactsUpsertReplaceAndPageInIdOrder() async throws {
        try await withPostgresStore { store in
            try await store.upsertContacts(["b", "a", "c", "B"].map(contact), at: t0)
            var changed = contact("a")
            changed.locale = "fa-IR"
            changed.phone = "+989121234567"
            try await store.upsertContacts([changed], at: t0)
            #expect(try await store.contact(id: "a")?.locale == "fa-IR")
            #expect(try await store.contacts(phone: "+989121234567").map(\.id) == ["a"])
            #expect(try await store.contact(id: "missing") == nil)
            let first = try await store.contactsPage(after: nil, limit: 2).map(\.id)
            let rest = try await store.contactsPage(after: first.last, limit: 10).map(\.id)
            // Byte order, as SQLite compares: upper case before lower case.
            #expect(first + rest == ["B", "a", "b", "c"])
            #expect(Set(try await store.contacts(ids: ["a", "c", "zz"]).map(\.id)) == ["a", "c"])
        }
    }

    @Test func sameIdempotencyKeyReturnsTheJobOrAConflict() async throws {
        try await withPostgresStore { store in
            let spec = jobSpec("key-1")
            guard case .created(let job) = try await store.createJob(spec, bodyHash: "h1", at: t0) else {
                Issue.record("first create must create")
                return
            }
            guard case .existing(let again) = try await store.createJob(spec, bodyHash: "h1", at: t0) else {
                Issue.record("same body must return the existing job")
                return
            }
            #expect(again.id == job.id)
            #expect(again.spec == spec)
            guard case .conflict(let existingID) = try await store.createJob(spec, bodyHash: "h2", at: t0) else {
                Issue.record("other body must conflict")
                return
            }
            #expect(existingID == job.id)
            #expect(try await store.job(id: job.id)?.status == .accepted)
            #expect(try await store.job(id: 999_999) == nil)
        }
    }

    @Test func cancellingSuppressesWhatIsNotYetSending() async throws {
        try await withPostgresStore { store in
            let job = try await seedJob(store, key: "c", contactIds: ["a", "b", "c"])
            let claimed = try await claim(store, limit: 1)
            #expect(claimed.count == 1)
            let cancelled = try await store.cancelJob(id: job.id, at: t0)
            #expect(cancelled?.status == .cancelled)
            let progress = try await store.progress(jobId: job.id)
            #expect(progress.byState == ["sending": 1, "suppressed": 2])
            #expect(progress.byReason == ["cancelled": 2])
            #expect(progress.total == 3)
            #expect(try await claim(store, now: t0.addingTimeInterval(1)).isEmpty)
            #expect(try await store.cancelJob(id: 424_242, at: t0) == nil)
        }
    }

    @Test func anUnreachableServerIsAClearStoreUnavailableError() async throws {
        let store = try PostgresStore(url: "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable")
        let error = await #expect(throws: HeraldError.self) { try await store.migrate() }
        #expect(error?.code == "store_unavailable")
        #expect(error?.statusCode == 503)
        #expect(error?.message.contains("secret") == false)
        try await store.close()
    }

    /// Production answers 503 after 4 s without a connection; tests (and slow hosts) set a longer wait in
    /// the storage string, and a short one here shows the setting is what bounds the wait.
    @Test func theConnectionWaitComesFromTheStorageString() async throws {
        let store = try PostgresStore(url: "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connection_wait=0.5")
        let started = ContinuousClock.now
        let error = await #expect(throws: HeraldError.self) { try await store.ping() }
        #expect(error?.code == "store_unavailable")
        #expect(error?.message.contains("0.5 seconds") == true)
        // Far below the 30 s the test fixtures use, with room for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(20))
        try await store.close()
        #expect(throws: HeraldError.self) { try PostgresURL("postgres://u@h/db?connection_wait=soon") }
        #expect(throws: HeraldError.self) { try PostgresURL("postgres://u@h/db?connection_wait=0") }
    }

    @Test func aMalformedStorageStringIsAConfigError() {
        #expect(throws: HeraldError.self) { try PostgresURL("mysql://x@y/z") }
        #expect(throws: HeraldError.self) { try PostgresURL("postgres://u@h/db?schema=bad;drop") }
        #expect(throws: HeraldError.self) { try PostgresURL("postgres://u@h/db?sslmode=maybe") }
        let parsed = try? PostgresURL("postgres://me:p%40ss@db.internal:6543/herald?sslmode=require")
        #expect(parsed?.password == "p@ss")
        #expect(parsed?.port == 6543)
        #expect(parsed?.redacted == "postgres://db.internal:6543/herald")
    }
}

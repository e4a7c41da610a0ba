import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@Suite("Store conformance: jobs and fan-out")
struct JobConformanceTests {
    @Test(arguments: TestBackends.all)
    func createJobIsIdempotentPerKeyAndBody(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let first = spec("order-1", ids: ["u1"])
            let job = try created(try await store.createJob(first, bodyHash: "h1", at: t0))
            #expect(job.status == .accepted)

            guard case .existing(let again) = try await store.createJob(first, bodyHash: "h1", at: at(5)) else {
                Issue.record("a retry with the same body must return the existing job")
                return
            }
            #expect(again.id == job.id)
            #expect(again.createdAt == t0)

            let other = spec("order-1", ids: ["u2"], text: "different")
            guard case .conflict(let existingID) = try await store.createJob(other, bodyHash: "h2", at: at(6)) else {
                Issue.record("a different body under the same key must conflict")
                return
            }
            #expect(existingID == job.id)

            let stored = try #require(try await store.job(id: job.id))
            #expect(stored.spec == first)
            #expect(stored.bodyHash == "h1")
            #expect(try await store.job(id: job.id + 100) == nil)
        }
    }

    /// A job stored while the canonical form kept `"priority": 5` spelled out has the hash of that form; a
    /// retry hashed today (without it) is still the same job, and another body still conflicts.
    @Test(arguments: TestBackends.all)
    func aJobStoredWithItsDefaultsSpelledOutMatchesItsRetry(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            var spelledOut = spec("order-2", ids: ["u1"])
            spelledOut.priority = 5
            let olderForm = try HeraldJSON.encoder().encode(spelledOut)
            let job = try created(
                try await store.createJob(
                    spelledOut, json: String(decoding: olderForm, as: UTF8.self), bodyHash: Hashing.sha256Hex(olderForm),
                    at: t0, inline: nil))
            #expect(spelledOut.canonicalHash() != Hashing.sha256Hex(olderForm))

            let retry = try await store.createJob(spelledOut, bodyHash: spelledOut.canonicalHash(), at: at(5))
            guard case .existing(let again) = retry else {
                Issue.record("a retry of a job stored with its defaults spelled out must return that job")
                return
            }
            #expect(again.id == job.id)
            var higher = spelledOut
            higher.priority = 6
            guard case .conflict = try await store.createJob(higher, bodyHash: higher.canonicalHash(), at: at(6)) else {
                Issue.record("another priority under the same key must conflict")
                return
            }
        }
    }

    @Test(arguments: TestBackends.all)
    func fanoutIsLeasedAndBatchesAdvanceTheCursor(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let job = try created(try await store.createJob(spec("j", ids: ["a", "b", "c"]), bodyHash: "h", at: t0))
            let leased = try #require(try await store.claimFanout(owner: "w1", now: t0, leaseUntil: at(60)))
            #expect(leased.id == job.id)
            #expect(leased.status == .fanningOut)
            // Another worker sees nothing while w1 holds the lease.
            #expect(try await store.claimFanout(owner: "w2", now: at(30), leaseUntil: at(90)) == nil)

            let first = FanoutBatch(
                jobId: job.id, owner: "w1", deliveries: [row(job, "a"), row(job, "b")], cursor: "2", audienceAdded: 2,
                finished: false, leaseUntil: at(60), at: at(1))
            #expect(try await store.writeFanoutBatch(first))
            let midway = try #require(try await store.job(id: job.id))
            #expect(midway.fanoutCursor == "2")
            #expect(midway.audienceCount == 2)
            #expect(midway.status == .fanningOut)

            // w1 dies; once its lease runs out w2 takes over from the saved cursor and w1's late batch is refused.
            let resumed = try #require(try await store.claimFanout(owner: "w2", now: at(61), leaseUntil: at(120)))
            #expect(resumed.fanoutCursor == "2")
            var stale = first
            stale.deliveries = [row(job, "c")]
            #expect(try await store.writeFanoutBatch(stale) == false)

            let last = FanoutBatch(
                jobId: job.id, owner: "w2", deliveries: [row(job, "c")], cursor: "3", audienceAdded: 1, finished: true,
                leaseUntil: at(120), at: at(62))
            #expect(try await store.writeFanoutBatch(last))
            let done = try #require(try await store.job(id: job.id))
            #expect(done.status == .active)
            #expect(done.audienceCount == 3)
            #expect(try await allDeliveries(store, jobId: job.id).map(\.contactId).sorted() == ["a", "b", "c"])
            // A finished job is not fanned out again.
            #expect(try await store.claimFanout(owner: "w3", now: at(500), leaseUntil: at(560)) == nil)
        }
    }

    @Test(arguments: TestBackends.all)
    func fanoutBatchIsRefusedAfterCancel(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let job = try created(try await store.createJob(spec("j", ids: ["a", "b"]), bodyHash: "h", at: t0))
            _ = try #require(try await store.claimFanout(owner: "w1", now: t0, leaseUntil: at(60)))
            #expect(
                try await store.writeFanoutBatch(
                    FanoutBatch(
                        jobId: job.id, owner: "w1", deliveries: [row(job, "a")], cursor: "1", audienceAdded: 1,
                        finished: false, leaseUntil: at(60), at: t0)))
            let cancelled = try #require(try await store.cancelJob(id: job.id, at: at(1)))
            #expect(cancelled.status == .cancelled)
            #expect(
                try await store.writeFanoutBatch(
                    FanoutBatch(
                        jobId: job.id, owner: "w1", deliveries: [row(job, "b")], cursor: "2", audienceAdded: 1,
                        finished: true, leaseUntil: at(60), at: at(2))) == false)
            let rows = try await allDeliveries(store, jobId: job.id)
            #expect(rows.map(\.contactId) == ["a"])
            #expect(rows.first?.state == .suppressed)
            #expect(rows.first?.reason == .cancelled)
            #expect(try await store.job(id: job.id)?.status == .cancelled)
            #expect(try await store.claimFanout(owner: "w2", now: at(500), leaseUntil: at(560)) == nil)
        }
    }

    @Test(arguments: TestBackends.all)
    func progressCountsByStateAndReason(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts(
                [contact("a", email: "a@x.io"), contact("b"), contact("c", email: "c@x.io"), contact("d", email: "d@x.io")],
                at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a", "b", "c", "d"]))
            // a is sent, b has no address, c is deferred, d is still sending.
            let policy = ScriptedPolicy(verdicts: ["c": .deferUntil(at(3600))])
            let claimed = try await claim(store, policy: policy)
            #expect(Set(claimed.map(\.contact.id)) == ["a", "d"])
            let a = try #require(claimed.first { $0.contact.id == "a" })
            try await store.recordOutcomes(
                [DeliveryOutcome(deliveryId: a.deliveryId, owner: "w1", attempts: [attempt(1, .sent)], next: .sent)],
                at: at(1))
            let progress = try await store.progress(jobId: job.id)
            #expect(progress.byState == ["sent": 1, "suppressed": 1, "scheduled": 1, "sending": 1])
            #expect(progress.byReason == ["no_address": 1])
            #expect(progress.total == 4)
            #expect(progress.pending == 2)
        }
    }

    /// Fan-out reads a batch ahead of writing it: a contact read then and gone (erased) by the write gets no
    /// row; contacts still there, and ids the batch already knew to be unknown, keep theirs.
    @Test(arguments: TestBackends.all)
    func aContactGoneBeforeTheBatchIsWrittenGetsNoRow(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let job = try created(try await store.createJob(spec("j", ids: ["a", "b", "ghost"]), bodyHash: "h", at: t0))
            _ = try #require(try await store.claimFanout(owner: "w1", now: t0, leaseUntil: at(60)))
            let batch = FanoutBatch(
                jobId: job.id, owner: "w1", deliveries: [row(job, "a"), row(job, "b"), row(job, "ghost")], cursor: "3",
                audienceAdded: 3, finished: true, leaseUntil: at(60), at: at(1), readContactIds: ["a", "b"])
            #expect(try await store.writeFanoutBatch(batch))
            #expect(try await allDeliveries(store, jobId: job.id).map(\.contactId).sorted() == ["a", "ghost"])
        }
    }

    /// The write looks for erased contacts only when the store's count of deletions moved since the page was
    /// read: an erasure between the read and the write still takes the erased person's row out.
    @Test(arguments: TestBackends.all)
    func aContactErasedAfterItsPageWasReadGetsNoRow(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts(["a", "b", "c"].map { contact($0, email: "\($0)@x.io") }, at: t0)
            let job = try created(try await store.createJob(spec("j", ids: ["a", "b", "c"]), bodyHash: "h", at: t0))
            _ = try #require(try await store.claimFanout(owner: "w1", now: t0, leaseUntil: at(60)))
            let before = try await store.contactDeletions()
            _ = try #require(try await erase(store, "b"))
            if let before { #expect(try await store.contactDeletions() == before + 1) }
            let batch = FanoutBatch(
                jobId: job.id, owner: "w1", deliveries: [row(job, "a"), row(job, "b"), row(job, "c")], cursor: "3",
                audienceAdded: 3, finished: true, leaseUntil: at(60), at: at(1), readContactIds: ["a", "b", "c"],
                contactDeletions: before)
            #expect(try await store.writeFanoutBatch(batch))
            #expect(try await allDeliveries(store, jobId: job.id).map(\.contactId).sorted() == ["a", "c"])
        }
    }

    private func row(_ job: Job, _ contactId: String) -> NewDelivery {
        NewDelivery(
            job: job.spec, jobId: job.id, contactId: contactId, channel: .email, state: .queued, reason: nil,
            notBefore: t0, trace: [])
    }
}

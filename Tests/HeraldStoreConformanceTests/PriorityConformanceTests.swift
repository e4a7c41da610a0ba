import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@Suite("Store conformance: priority, round-robin fan-out, inline fan-out, lease hand-back")
struct PriorityConformanceTests {
    private func prioritized(_ key: String, _ priority: Int?, purpose: Purpose = .marketing, ids: [String]) -> JobSpec {
        var job = spec(key, purpose: purpose, ids: ids)
        job.priority = priority
        return job
    }

    @Test(arguments: TestBackends.all)
    func claimsTakeTheHighestPriorityFirstAndTheExpressLaneOnlyItsOwn(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts(["low", "mid", "high"].map { contact($0, email: "\($0)@x.io") }, at: t0)
            try await seedJob(store, prioritized("low", nil, ids: ["low"]), now: at(-120))
            try await seedJob(store, prioritized("mid", 3, ids: ["mid"]), now: at(-60))
            try await seedJob(store, prioritized("high", 9, ids: ["high"]))
            let express = try await store.claimDue(
                ClaimRequest(owner: "x", now: at(1), limit: 10, leaseUntil: at(60), policy: ScriptedPolicy(), minPriority: 5))
            #expect(express.claimed.map(\.contact.id) == ["high"])
            let rest = try await claim(store, now: at(1), limit: 10)
            #expect(rest.map(\.contact.id) == ["mid", "low"])
        }
    }

    @Test(arguments: TestBackends.all)
    func fanoutGoesByPriorityThenTakesTurnsBatchByBatch(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let a = try created(try await store.createJob(prioritized("a", nil, ids: ["1", "2"]), bodyHash: "a", at: t0))
            let b = try created(try await store.createJob(prioritized("b", nil, ids: ["1", "2"]), bodyHash: "b", at: t0))
            func next() async throws -> Int64? {
                try await store.claimFanout(owner: "w", now: at(1), leaseUntil: at(60))?.id
            }
            func writeBatch(_ job: Int64, finished: Bool) async throws {
                let written = try await store.writeFanoutBatch(
                    FanoutBatch(
                        jobId: job, owner: "w", deliveries: [], cursor: "1", audienceAdded: 1, finished: finished,
                        leaseUntil: at(60), at: at(1)))
                #expect(written)
            }
            #expect(try await next() == a.id)
            try await writeBatch(a.id, finished: false)
            // a has had its turn: b goes next, then a again.
            #expect(try await next() == b.id)
            try await writeBatch(b.id, finished: false)
            let urgent = try created(try await store.createJob(prioritized("u", 8, ids: ["1"]), bodyHash: "u", at: at(2)))
            #expect(try await next() == urgent.id)
            try await writeBatch(urgent.id, finished: true)
            #expect(try await next() == a.id)
            try await writeBatch(a.id, finished: true)
            #expect(try await next() == b.id)
        }
    }

    @Test(arguments: TestBackends.all)
    func aSmallJobIsFannedOutInItsOwnTransaction(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io"), contact("b", email: "b@x.io")], at: t0)
            let inline = InlineFanout(maxAudience: 2, capLookback: 86_400, expressPriority: 5) { job, contacts, unknown, facts in
                #expect(Set(facts.keys) == Set(contacts.map(\.id)))
                return (contacts.map(\.id) + unknown).map { id in
                    NewDelivery(
                        job: job.spec, jobId: job.id, contactId: id, channel: .email, state: .queued, reason: nil,
                        notBefore: job.createdAt, trace: [TraceStep(rule: "inline", outcome: "queued", detail: "")])
                }
            }
            var otp = spec("otp", ids: ["a", "b", "a", "ghost"])
            otp.audience.contactIds = ["a", "b", "a"]
            let job = try created(try await store.createJob(otp, bodyHash: "h", at: t0, inline: inline))
            #expect(job.status == .active)
            #expect(try await store.job(id: job.id)?.status == .active)
            #expect(try await store.job(id: job.id)?.audienceCount == 2)
            #expect(try await allDeliveries(store, jobId: job.id).map(\.contactId).sorted() == ["a", "b"])
            // Nothing is left for the fan-out queue, and the rows are due at once.
            #expect(try await store.claimFanout(owner: "w", now: at(1), leaseUntil: at(60)) == nil)
            #expect(try await claim(store, now: t0).count == 2)

            let big = try created(
                try await store.createJob(spec("big", ids: ["a", "b", "c"]), bodyHash: "h2", at: t0, inline: inline))
            #expect(big.status == .accepted)
            #expect(try await allDeliveries(store, jobId: big.id).isEmpty)
        }
    }

    @Test(arguments: TestBackends.all)
    func aRestartedNodeTakesBackItsOwnLeasesAtOnce(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io"), contact("b", email: "b@x.io")], at: t0)
            try await seedJob(store, spec("mine", ids: ["a"]))
            #expect(try await claim(store, owner: "node-1", now: t0, lease: 120).count == 1)
            try await seedJob(store, spec("theirs", ids: ["b"]))
            #expect(try await claim(store, owner: "node-2", now: t0, lease: 120).count == 1)
            // node-1 died and came back ten seconds later: its own row is due again, node-2's is not.
            try await store.releaseLeases(owner: "node-1", at: at(10))
            let again = try await claim(store, owner: "node-1", now: at(10))
            #expect(again.map(\.contact.id) == ["a"])
            #expect(again.first?.attempt == 2)
        }
    }

    @Test(arguments: TestBackends.all)
    func theClaimSaysWhichLedgerEventsItSawAndLaterOnesCanBeRead(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io"), contact("b", email: "b@x.io")], at: t0)
            func record(_ id: String, _ status: ConsentStatus) async throws -> ConsentEvent {
                try await store.appendConsent(
                    ConsentInput(
                        contactId: id, channel: "*", topic: "*", status: status, source: "test", evidence: nil,
                        actor: "t", occurredAt: t0), at: t0)
            }
            let before = try await record("a", .granted)
            try await seedJob(store, spec("j", ids: ["a"]))
            let decisions = try await store.claimDue(
                ClaimRequest(owner: "w", now: t0, limit: 10, leaseUntil: at(60), policy: ScriptedPolicy()))
            #expect(decisions.consentWatermark == before.id)
            let late = try await record("a", .revoked)
            _ = try await record("b", .revoked)
            let after = try await store.lateChanges(
                afterEvent: decisions.consentWatermark, stopsSince: decisions.stopWatermark, jobIds: [],
                contactIds: ["a"], addresses: []
            ).events
            #expect(after.map(\.id) == [late.id])
        }
    }

    /// The send gate's other question: which jobs are cancelled, contacts are gone and addresses are suppressed
    /// now (a cancel, an erasure or a suppression acknowledged after the claim stops the send). While the
    /// claim's stop watermark has not moved, nothing is looked up.
    @Test(arguments: TestBackends.all)
    func theSendGateSeesCancelsErasuresAndSuppressionsMadeAfterTheClaim(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts(
                [contact("a", email: "a@x.io"), contact("b", email: "b@x.io"), contact("c", email: "c@x.io")], at: t0)
            let kept = try await seedJob(store, spec("kept", ids: ["a", "b", "c"]))
            let cancelled = try await seedJob(store, spec("cancelled", ids: ["a"]))
            let decisions = try await store.claimDue(
                ClaimRequest(owner: "w", now: t0, limit: 10, leaseUntil: at(60), policy: ScriptedPolicy()))
            #expect(decisions.claimed.count == 4)
            func facts() async throws -> LateStopFacts {
                try await store.lateChanges(
                    afterEvent: decisions.consentWatermark, stopsSince: decisions.stopWatermark,
                    jobIds: [kept.id, cancelled.id], contactIds: ["a", "b", "c"], addresses: ["a@x.io", "b@x.io", "c@x.io"]
                ).stops
            }
            let before = try await facts()
            #expect(before.cancelledJobs.isEmpty && before.erasedContacts.isEmpty && before.suppressedAddresses.isEmpty)

            _ = try await store.cancelJob(id: cancelled.id, at: at(1))
            _ = try await ContactEraser.erase("b", store: store, settings: ErasureSettings(), actor: "t", at: at(1))
            _ = try await (store as! any SuppressionStore).addSuppressions(
                [SuppressionEntry(address: "c@x.io", reason: "manual")], actor: "t", at: at(1))
            let after = try await facts()
            #expect(after.cancelledJobs == [cancelled.id])
            #expect(after.erasedContacts == ["b"])
            #expect(after.suppressedAddresses == ["c@x.io"])
            #expect(after.stop(jobId: kept.id, contactId: "a", addresses: ["a@x.io"]) == nil)
            #expect(after.stop(jobId: cancelled.id, contactId: "a", addresses: ["a@x.io"]) == .jobCancelled)
            #expect(after.stop(jobId: kept.id, contactId: "b", addresses: ["b@x.io"]) == .contactErased)
            #expect(after.stop(jobId: kept.id, contactId: "c", addresses: ["c@x.io"]) == .addressSuppressed)
        }
    }

    /// Each kind of stop moves SQLite's count on its own, whoever writes it: a claim that saw the count before
    /// it sees the change.
    @Test(arguments: ["cancel", "erase", "suppress"])
    func everyKindOfStopMovesTheCount(_ kind: String) async throws {
        try await withStore(TestBackends.all[0]) { store, _ in
            try await store.upsertContacts([contact("a", email: "a@x.io")], at: t0)
            let job = try await seedJob(store, spec("j", ids: ["a"]))
            let decisions = try await store.claimDue(
                ClaimRequest(owner: "w", now: t0, limit: 10, leaseUntil: at(60), policy: ScriptedPolicy()))
            let since = try #require(decisions.stopWatermark)
            func facts() async throws -> LateStopFacts {
                try await store.lateChanges(
                    afterEvent: decisions.consentWatermark, stopsSince: since, jobIds: [job.id], contactIds: ["a"],
                    addresses: ["a@x.io"]
                ).stops
            }
            #expect(try await facts().stop(jobId: job.id, contactId: "a", addresses: ["a@x.io"]) == nil)
            switch kind {
            case "cancel": _ = try await store.cancelJob(id: job.id, at: at(1))
            case "erase": _ = try await ContactEraser.erase("a", store: store, settings: ErasureSettings(), actor: "t", at: at(1))
            default: try await store.suppress(addresses: ["a@x.io"], reason: "invalid_address", at: at(1))
            }
            #expect(try await facts().stop(jobId: job.id, contactId: "a", addresses: ["a@x.io"]) != nil)
        }
    }
}

@Suite("Store conformance: cap reservations only where a cap can count")
struct ReservationConformanceTests {
    @Test(arguments: TestBackends.all)
    func aSendNoCapCountsLeavesNoReservation(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let a = contact("a", email: "a@x.io")
            try await store.upsertContacts([a], at: t0)
            try await seedJob(store, spec("uncapped", ids: ["a"]))
            #expect(try await claim(store, now: t0, policy: ScriptedPolicy(reserves: false)).count == 1)
            #expect(try await store.policyFacts(for: [a], since: at(-60))["a"]?.recentSends.isEmpty == true)
            try await seedJob(store, spec("capped", ids: ["a"]))
            #expect(try await claim(store, now: at(1), policy: ScriptedPolicy()).count == 1)
            #expect(try await store.policyFacts(for: [a], since: at(-60))["a"]?.recentSends.count == 1)
        }
    }
}

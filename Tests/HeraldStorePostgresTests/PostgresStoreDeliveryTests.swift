import Foundation
import HeraldCore
import HeraldStorePostgres
import Testing

@Suite("PostgreSQL store: fan-out, claims, outcomes", .enabled(if: !PostgresTestDatabase.skipped, "HERALD_SKIP_POSTGRES=1"))
struct PostgresStoreDeliveryTests {
    @Test func fanOutLeaseIsExclusiveUntilItRunsOutAndALostLeaseWritesNothing() async throws {
        try await withPostgresStore { store in
            let spec = jobSpec("f")
            guard case .created(let job) = try await store.createJob(spec, bodyHash: "f", at: t0) else { return }
            let lease = t0.addingTimeInterval(30)
            #expect(try await store.claimFanout(owner: "a", now: t0, leaseUntil: lease)?.status == .fanningOut)
            #expect(try await store.claimFanout(owner: "b", now: t0.addingTimeInterval(10), leaseUntil: lease) == nil)
            let delivery = NewDelivery(
                job: job.spec, jobId: job.id, contactId: "x", channel: .email, state: .queued, reason: nil,
                notBefore: t0, trace: [])
            let firstBatch = FanoutBatch(
                jobId: job.id, owner: "a", deliveries: [delivery, delivery], cursor: "x", audienceAdded: 1,
                finished: false, leaseUntil: lease, at: t0)
            #expect(try await store.writeFanoutBatch(firstBatch))
            // a's lease ran out; b takes over from a's cursor and a's late batch is refused.
            let takeover = try await store.claimFanout(
                owner: "b", now: t0.addingTimeInterval(31), leaseUntil: t0.addingTimeInterval(90))
            #expect(takeover?.fanoutCursor == "x")
            #expect(takeover?.audienceCount == 1)
            var late = firstBatch
            late.cursor = "y"
            #expect(try await store.writeFanoutBatch(late) == false)
            var last = firstBatch
            last.owner = "b"
            last.deliveries = [delivery]  // already written: ignored, not duplicated
            last.finished = true
            #expect(try await store.writeFanoutBatch(last))
            #expect(try await store.job(id: job.id)?.status == .active)
            #expect(try await store.progress(jobId: job.id).total == 1)
            #expect(try await store.claimFanout(owner: "c", now: t0.addingTimeInterval(500), leaseUntil: lease) == nil)
        }
    }

    @Test func transactionalLaneIsClaimedFirstAndVerdictsAreApplied() async throws {
        try await withPostgresStore { store in
            let campaign = try await seedJob(store, key: "m", contactIds: ["a", "b", "c"], notBefore: t0.addingTimeInterval(-60))
            let otp = try await seedJob(store, key: "t", contactIds: ["d"], purpose: .transactional)
            let policy = TestPolicy(deferred: ["b"], blocked: ["c"])
            let first = try await claim(store, limit: 1, policy: policy)
            #expect(first.map(\.jobId) == [otp.id])
            #expect(first.first?.attempt == 1)
            let rest = try await claim(store, limit: 10, policy: policy)
            #expect(rest.map(\.contact.id) == ["a"])
            let rows = try await store.deliveries(DeliveryQuery(jobId: campaign.id))
            let byContact = Dictionary(uniqueKeysWithValues: rows.map { ($0.contactId, $0) })
            #expect(byContact["a"]?.state == .sending)
            #expect(byContact["b"]?.state == .scheduled)
            #expect(byContact["b"]?.notBefore == t0.addingTimeInterval(3600))
            #expect(byContact["c"]?.state == .suppressed)
            #expect(byContact["c"]?.reason == .optedOut)
            #expect(byContact["c"]?.trace.map(\.outcome) == ["queued", "blocked"])
        }
    }

    @Test func anExpiredLeaseIsClaimedAgainAndTheOldWorkersAnswerChangesNothing() async throws {
        try await withPostgresStore { store in
            let job = try await seedJob(store, key: "l", contactIds: ["a"])
            let first = try await claim(store, owner: "dead")
            #expect(first.count == 1)
            #expect(try await claim(store, owner: "live", now: t0.addingTimeInterval(30)).isEmpty)
            let again = try await claim(store, owner: "live", now: t0.addingTimeInterval(61))
            #expect(again.map(\.deliveryId) == first.map(\.deliveryId))
            #expect(again.first?.attempt == 2)
            let attempt = Attempt(
                number: 1, at: t0, latencyMs: 5, instance: "mail", outcome: .sent, providerMessageId: "late", error: nil)
            try await store.recordOutcomes(
                [DeliveryOutcome(deliveryId: first[0].deliveryId, owner: "dead", attempts: [attempt], next: .sent)], at: t0)
            let row = try await store.deliveries(DeliveryQuery(jobId: job.id)).first
            #expect(row?.state == .sending)
            #expect(row?.attempts.count == 1)
            #expect(row?.providerMessageId == nil)
        }
    }

    @Test func outcomesMoveDeliveriesOnAndReleaseReservationsThatSentNothing() async throws {
        try await withPostgresStore { store in
            let job = try await seedJob(store, key: "o", contactIds: ["a", "b", "c"])
            let claimed = try await claim(store)
            #expect(claimed.count == 3)
            let id = Dictionary(uniqueKeysWithValues: claimed.map { ($0.contact.id, $0.deliveryId) })
            func attempt(_ outcome: AttemptOutcome, _ messageId: String?) -> Attempt {
                Attempt(number: 1, at: t0, latencyMs: 12, instance: "mail-1", outcome: outcome, providerMessageId: messageId, error: nil)
            }
            let fallback = NewDelivery(
                job: job.spec, jobId: job.id, contactId: "c", channel: .sms, state: .queued, reason: nil, notBefore: t0,
                trace: [TraceStep(rule: "fallback", outcome: "queued", detail: "email failed")])
            try await store.recordOutcomes(
                [
                    DeliveryOutcome(deliveryId: id["a"]!, owner: "node-a", attempts: [attempt(.sent, "m-1")], next: .sent, smsSegments: 2),
                    DeliveryOutcome(
                        deliveryId: id["b"]!, owner: "node-a", attempts: [attempt(.retry, nil)],
                        next: .retry(at: t0.addingTimeInterval(300))),
                    DeliveryOutcome(
                        deliveryId: id["c"]!, owner: "node-a", attempts: [attempt(.invalidAddress, nil)], next: .failed,
                        fallback: fallback, invalidAddresses: ["c@example.com"]),
                ], at: t0)
            let rows = Dictionary(
                uniqueKeysWithValues: try await store.deliveries(DeliveryQuery(jobId: job.id)).map { ("\($0.contactId)/\($0.channel)", $0) })
            #expect(rows["a/email"]?.state == .sent)
            #expect(rows["a/email"]?.providerMessageId == "m-1")
            #expect(rows["a/email"]?.instance == "mail-1")
            #expect(rows["a/email"]?.smsSegments == 2)
            #expect(rows["b/email"]?.state == .scheduled)
            #expect(rows["b/email"]?.notBefore == t0.addingTimeInterval(300))
            #expect(rows["c/email"]?.state == .failed)
            #expect(rows["c/sms"]?.state == .queued)
            let facts = try await store.policyFacts(
                for: ["a", "b", "c"].map(contact), since: t0.addingTimeInterval(-3600))
            #expect(facts["a"]?.recentSends.count == 1)
            #expect(facts["b"]?.recentSends.isEmpty == true)
            #expect(facts["c"]?.recentSends.isEmpty == true)
            #expect(facts["c"]?.suppressedAddresses == ["c@example.com"])
            #expect(try await store.applyReceipt(instance: "mail-1", providerMessageId: "m-1", state: .delivered, at: t0))
            #expect(try await store.applyReceipt(instance: "other", providerMessageId: "m-1", state: .failed, at: t0) == false)
            #expect(try await store.deliveries(DeliveryQuery(state: .delivered)).map(\.contactId) == ["a"])
        }
    }

    @Test func deliveryQueriesFilterAndPage() async throws {
        try await withPostgresStore { store in
            let job = try await seedJob(store, key: "q", contactIds: (1...5).map { "c\($0)" })
            _ = try await seedJob(store, key: "q2", contactIds: ["c1"])
            let page1 = try await store.deliveries(DeliveryQuery(jobId: job.id, limit: 2))
            let page2 = try await store.deliveries(DeliveryQuery(jobId: job.id, afterId: page1.last?.id, limit: 10))
            #expect(page1.count == 2)
            #expect(page2.count == 3)
            #expect(try await store.deliveries(DeliveryQuery(contactId: "c1")).count == 2)
            #expect(try await store.deliveries(DeliveryQuery(channel: .sms)).isEmpty)
            #expect(try await store.deliveries(DeliveryQuery(since: t0.addingTimeInterval(1))).isEmpty)
        }
    }

    @Test func consentEventsFormAChainThatVerifiesAndExportsInPages() async throws {
        try await withPostgresStore { store in
            for index in 0..<5 {
                let input = ConsentInput(
                    contactId: index.isMultiple(of: 2) ? "a" : "b", channel: "sms", status: index == 4 ? .revoked : .granted,
                    source: "form", evidence: .object(["ip": .string("10.0.0.\(index)")]), actor: "crm",
                    occurredAt: t0.addingTimeInterval(Double(index)))
                _ = try await store.appendConsent(input, at: t0.addingTimeInterval(Double(index) + 0.5))
            }
            #expect(try await store.consentEvents(contactId: "a").map(\.id) == [1, 3, 5])
            var verifier = ConsentChain.Verifier()
            var after: Int64 = 0
            while true {
                let page = try await store.consentEvents(ConsentExportQuery(afterId: after, limit: 2))
                guard let last = page.last else { break }
                page.forEach { verifier.feed($0) }
                after = last.id
            }
            guard case .ok(let events, _) = verifier.result else {
                Issue.record("chain must verify: \(verifier.result)")
                return
            }
            #expect(events == 5)
            let window = try await store.consentEvents(
                ConsentExportQuery(since: t0.addingTimeInterval(1), until: t0.addingTimeInterval(3)))
            #expect(window.map(\.id) == [2, 3])
            let facts = try await store.policyFacts(for: [contact("a")], since: t0)
            #expect(facts["a"]?.consents.last?.status == .revoked)
        }
    }
}

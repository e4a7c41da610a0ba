import Foundation
import HeraldCore
import HeraldEngine
import Logging
import Synchronization
import Testing

@Suite("Engine: priority lanes, interleaved fan-out, opt-outs acknowledged after the claim")
struct PriorityAndOptOutTests {
    private func revoke(_ contactId: String, in store: any Store, channel: String = "*", topic: String = "*")
        async throws -> ConsentEvent
    {
        try await store.appendConsent(
            ConsentInput(
                contactId: contactId, channel: channel, topic: topic, status: .revoked, source: "api", evidence: nil,
                actor: "test", occurredAt: Date()), at: Date())
    }

    @Test func anOptOutAcknowledgedAfterTheClaimStopsTheSend() async throws {
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [email])
        let sqlite = try await harness.openStore()
        let revoked = Mutex<Int64>(0)
        // The revocation commits after the claim decided "send" and before the batch reaches the driver,
        // as one acknowledged while a batch waits for rate-limit tokens does.
        let store = InterceptingStore(sqlite) { _, _ in } afterClaim: { decisions, base in
            guard !decisions.claimed.isEmpty, revoked.withLock({ $0 }) == 0 else { return }
            let event = try await revoke("b", in: base)
            revoked.withLock { $0 = event.id }
        }
        try await store.upsertContacts(["a", "b", "c"].map { person($0, email: "\($0)@x.io") }, at: harness.clock.now)
        let job = try await harness.submit(makeJob("promo", ids: ["a", "b", "c"], purpose: .marketing), to: store)

        #expect(try await harness.drain(store) == 3)
        #expect(email.messages.map(\.contactId).sorted() == ["a", "c"])
        let b = try #require(try await deliveries(store, jobId: job.id).first { $0.contactId == "b" })
        #expect(b.state == .suppressed)
        #expect(b.reason == .optedOut)
        #expect(b.attempts.isEmpty)
        let eventId = revoked.withLock { $0 }
        #expect(b.trace.contains { $0.rule == "opt_out" && $0.detail.contains("#\(eventId)") })
        // The person's own revocation is the only ledger event: no provider opt-out is invented.
        #expect(try await store.consentEvents(contactId: "b").count == 1)
        try await sqlite.close()
    }

    /// What an operator or a person does while a claimed batch waits for rate-limit tokens.
    enum LateAction: String, CaseIterable, Sendable {
        case cancelTheJob, eraseTheContact, suppressTheAddress
    }

    /// Cancel, erasure and suppression acknowledged after the claim stop the send as an opt-out does: a hostile
    /// test saw all three go out seconds after their 200/201 while the batch waited for rate-limit tokens.
    @Test(arguments: LateAction.allCases)
    func aStopAcknowledgedAfterTheClaimStopsTheSend(_ action: LateAction) async throws {
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [email])
        let sqlite = try await harness.openStore()
        let acted = Mutex(false)
        let store = InterceptingStore(sqlite) { _, _ in } afterClaim: { decisions, base in
            guard let first = decisions.claimed.first, !acted.withLock({ $0 }) else { return }
            acted.withLock { $0 = true }
            switch action {
            case .cancelTheJob: _ = try await base.cancelJob(id: first.jobId, at: Date())
            case .eraseTheContact:
                _ = try await ContactEraser.erase("b", store: base, settings: ErasureSettings(), actor: "test", at: Date())
            case .suppressTheAddress:
                _ = try await (base as! any SuppressionStore).addSuppressions(
                    [SuppressionEntry(address: "b@x.io", reason: "manual")], actor: "test", at: Date())
            }
        }
        try await store.upsertContacts(["a", "b", "c"].map { person($0, email: "\($0)@x.io") }, at: harness.clock.now)
        let job = try await harness.submit(makeJob("notice", ids: ["a", "b", "c"], purpose: .transactional), to: store)

        #expect(try await harness.drain(store) == 3)
        let rows = try await deliveries(store, jobId: job.id)
        let stopped: [String] =
            switch action {
            case .cancelTheJob: ["a", "b", "c"]
            case .eraseTheContact, .suppressTheAddress: ["b"]
            }
        #expect(Set(email.messages.map(\.contactId)) == Set(["a", "b", "c"]).subtracting(stopped))
        let reason: SuppressionReason =
            switch action {
            case .cancelTheJob, .eraseTheContact: .cancelled
            case .suppressTheAddress: .invalidAddress
            }
        let suppressed = rows.filter { $0.state == .suppressed }
        #expect(suppressed.count == stopped.count)
        for row in suppressed {
            #expect(row.reason == reason)
            #expect(row.attempts.isEmpty)
            #expect(row.trace.contains { $0.detail.hasSuffix("after the claim; stopped before the send") })
        }
        try await sqlite.close()
    }

    @Test func aLaterRevocationOfAnotherTopicOrChannelDoesNotStopTheSend() async throws {
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [email])
        let sqlite = try await harness.openStore()
        let store = InterceptingStore(sqlite) { _, _ in } afterClaim: { decisions, base in
            guard !decisions.claimed.isEmpty else { return }
            _ = try await revoke("a", in: base, channel: "sms")
            _ = try await revoke("a", in: base, channel: "*", topic: "other-topic")
        }
        try await store.upsertContacts([person("a", email: "a@x.io")], at: harness.clock.now)
        try await harness.submit(makeJob("promo", ids: ["a"], purpose: .marketing), to: store)
        #expect(try await harness.drain(store) == 1)
        #expect(email.sendCount == 1)
        try await sqlite.close()
    }

    @Test func fanoutInterleavesTwoCampaignsBatchByBatch() async throws {
        let harness = try EngineHarness(fanoutBatchSize: 100)
        let sqlite = try await harness.openStore()
        let order = Mutex<[Int64]>([])
        let store = InterceptingStore(sqlite) { batch, _ in order.withLock { $0.append(batch.jobId) } }
        try await store.upsertContacts((0..<300).map { person(String(format: "c%03d", $0), email: "c\($0)@x.io") }, at: harness.clock.now)
        let a = try created(try await store.createJob(makeJob("a", segment: "attributes.n >= 0", purpose: .marketing), bodyHash: "a", at: harness.clock.now))
        let b = try created(try await store.createJob(makeJob("b", segment: "attributes.n >= 0", purpose: .marketing), bodyHash: "b", at: harness.clock.now))
        let service = harness.fanout(store)
        let runner = Task { try await service.run() }
        for _ in 0..<500 {
            let statuses = [try await store.job(id: a.id)?.status, try await store.job(id: b.id)?.status]
            if statuses.allSatisfy({ $0 == .active }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        runner.cancel()
        _ = await runner.result
        // Three full pages each, then the short page that finishes each job: strictly alternating.
        #expect(order.withLock { $0 } == [a.id, b.id, a.id, b.id, a.id, b.id, a.id, b.id])
        // Batches read ahead: still every contact exactly once per job (audience_count adds up each batch
        // written, so a batch written twice or skipped shows).
        #expect(try await store.job(id: a.id)?.audienceCount == 300)
        #expect(try await store.job(id: b.id)?.audienceCount == 300)
        #expect(try await store.progress(jobId: a.id).total == 300)
        try await sqlite.close()
    }

    @Test func anUrgentJobPostedDuringALargeFanoutIsSentBeforeThatFanoutEnds() async throws {
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [email], fanoutBatchSize: 100)
        let sqlite = try await harness.openStore()
        let urgentPosted = Mutex(false)
        let dispatchSignal = WorkSignal()
        let store = InterceptingStore(sqlite) { batch, base in
            // After the campaign's first batch, an OTP arrives through intake's inline fan-out.
            guard !urgentPosted.withLock({ $0 }) else { return }
            urgentPosted.withLock { $0 = true }
            let inline = FanoutPlanner(policy: harness.policy).inline(maxAudience: 100, expressPriority: 5)
            let otp = makeJob("otp", ids: ["otp-user"], purpose: .transactional)
            _ = try await base.createJob(otp, bodyHash: "otp", at: harness.clock.now, inline: inline)
            dispatchSignal.notify()
        }
        try await store.upsertContacts(
            (0..<10_000).map { person(String(format: "c%05d", $0), email: "c\($0)@x.io") } + [person("otp-user", email: "o@x.io", n: -1)],
            at: harness.clock.now)
        let campaign = try created(
            try await store.createJob(makeJob("big", segment: "attributes.n >= 0", purpose: .marketing), bodyHash: "big", at: harness.clock.now))
        let fanout = harness.fanout(store)
        let dispatch = DispatchService(
            store: store, policy: harness.policy, router: harness.router, settings: harness.settings,
            signal: dispatchSignal, now: harness.clock.closure, logger: Logger(label: "test.dispatch"))
        let statusWhenOTPSent = Mutex<JobStatus?>(nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await fanout.run() }
            group.addTask { try await dispatch.run() }
            for _ in 0..<1000 {
                if email.messages.contains(where: { $0.contactId == "otp-user" }) {
                    let status = try await store.job(id: campaign.id)?.status
                    statusWhenOTPSent.withLock { $0 = status }
                    break
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            group.cancelAll()
        }
        #expect(statusWhenOTPSent.withLock { $0 } == .fanningOut)
        try await sqlite.close()
    }
}

private func created(_ creation: JobCreation) throws -> Job {
    guard case .created(let job) = creation else { throw HeraldError(code: "test_unexpected", message: "not created") }
    return job
}

@Suite("Engine: an SMS that renders past the segment limit")
struct RenderedSMSLimitTests {
    @Test func aPlaceholderThatRendersTooLongFailsTheSMSAndFallsBackToEmail() async throws {
        let sms = ScriptedDriver(id: "sms", kind: .sms)
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [sms, email], smsMaxSegments: 2)
        let store = try await harness.openStore()
        // 200 Persian letters: UCS-2, 67 per part, so three parts.
        var long = person("long", email: "l@x.io", phone: "+989121234567")
        long.attributes["note"] = .string(String(repeating: "س", count: 200))
        try await store.upsertContacts([long, person("short", email: "s@x.io", phone: "+989121234568")], at: harness.clock.now)
        var job = makeJob("notes", ids: ["long", "short"], channels: [.sms, .email], strategy: .first)
        job.content.sms = .init(text: "{{attributes.note}}")
        let submitted = try await harness.submit(job, to: store)
        try await harness.drain(store)

        #expect(sms.messages.map(\.contactId) == ["short"])
        #expect(email.messages.map(\.contactId) == ["long"])
        let failed = try #require(try await deliveries(store, jobId: submitted.id).first { $0.contactId == "long" && $0.channel == .sms })
        #expect(failed.state == .failed)
        #expect(failed.smsSegments == 3)
        #expect(failed.trace.contains { $0.detail.contains("3 segments, over policy.sms.max_segments (2)") })
        try await store.close()
    }
}

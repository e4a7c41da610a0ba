import Foundation
import HeraldCore
import HeraldEngine
import Testing

@Suite("Engine: fan-out and dispatch end to end")
struct FanoutDispatchTests {
    @Test func segmentOfTenThousandContactsIsSentExactlyOnceEach() async throws {
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [email], fanoutBatchSize: 1000, claimBatchSize: 500)
        let sqlite = try await harness.openStore()
        let store = InterceptingStore(sqlite)
        // 10,000 match the segment; 37 more do not and must get no delivery.
        let matching = (0..<10_000).map { person(String(format: "c%05d", $0), email: "c\($0)@x.io", n: Double($0 % 7)) }
        let others = (0..<37).map { person("z\($0)", email: "z\($0)@x.io", n: -1) }
        for chunk in stride(from: 0, to: matching.count, by: 2000) {
            try await store.upsertContacts(Array(matching[chunk..<min(chunk + 2000, matching.count)]), at: harness.clock.now)
        }
        try await store.upsertContacts(others, at: harness.clock.now)

        let job = try await harness.submit(makeJob("campaign", segment: "attributes.n >= 0", purpose: .marketing), to: store)
        #expect(store.batchResults.count == 11)
        #expect(store.batchResults.allSatisfy { $0 })
        let fanned = try #require(try await store.job(id: job.id))
        #expect(fanned.status == .active)
        #expect(fanned.audienceCount == 10_000)
        #expect(try await store.progress(jobId: job.id).byState == ["queued": 10_000])

        #expect(try await harness.drain(store) == 10_000)
        #expect(email.sendCount == 10_000)
        #expect(Set(email.messages.map(\.deliveryId)).count == 10_000)
        #expect(Set(email.messages.map(\.contactId)) == Set(matching.map(\.id)))
        #expect(try await store.progress(jobId: job.id).byState == ["sent": 10_000])
        try await sqlite.close()
    }

    /// A long page is read and planned in two halves at once: each contact must still be decided on its own
    /// facts, whichever half and whichever page it falls in.
    @Test func everyContactOfAPageReadInHalvesIsDecidedOnItsOwnFacts() async throws {
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [email], fanoutBatchSize: 1000)
        let store = try await harness.openStore()
        let ids = (0..<1_300).map { String(format: "c%04d", $0) }
        try await store.upsertContacts(ids.map { person($0, email: "\($0)@x.io") }, at: harness.clock.now)
        // In the first half, the second half and the second page of 1,000.
        let bounced = Set(ids.indices.filter { $0 % 113 == 60 }.map { ids[$0] })
        _ = try await #require(store as? any SuppressionStore).addSuppressions(
            bounced.map { SuppressionEntry(address: "\($0)@x.io", reason: "bounce") }, actor: "test", at: harness.clock.now)

        let job = try await harness.submit(makeJob("halves", segment: "attributes.n >= 0", purpose: .marketing), to: store)
        let rows = try await deliveries(store, jobId: job.id)
        #expect(rows.count == 1_300)
        #expect(Set(rows.filter { $0.reason == .invalidAddress }.map(\.contactId)) == bounced)
        #expect(rows.filter { $0.state == .queued }.count == 1_300 - bounced.count)
        try await store.close()
    }

    @Test func cancelAfterTheFirstBatchStopsFanoutAndSuppressesWhatWasQueued() async throws {
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [email], fanoutBatchSize: 100)
        let sqlite = try await harness.openStore()
        let clock = harness.clock
        let store = InterceptingStore(sqlite) { batch, base in
            _ = try await base.cancelJob(id: batch.jobId, at: clock.now)
        }
        try await store.upsertContacts((0..<350).map { person(String(format: "c%03d", $0), email: "c\($0)@x.io") }, at: clock.now)

        let job = try await harness.submit(makeJob("cancel-me", segment: "attributes.n >= 0", purpose: .marketing), to: store)
        // The second batch is refused and fan-out stops there.
        #expect(store.batchResults == [true, false])
        #expect(try await store.job(id: job.id)?.status == .cancelled)
        let progress = try await store.progress(jobId: job.id)
        #expect(progress.total == 100)
        #expect(progress.byReason == ["cancelled": 100])
        #expect(try await harness.drain(store) == 0)
        #expect(email.sendCount == 0)
        try await sqlite.close()
    }

    @Test func restartResumesDispatchOfWhatWasFannedOut() async throws {
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [email], claimBatchSize: 2)
        var store: any Store = try await harness.openStore()
        try await store.upsertContacts((0..<5).map { person("c\($0)", email: "c\($0)@x.io") }, at: harness.clock.now)
        let submitted = try await harness.submit(makeJob("resume", ids: (0..<5).map { "c\($0)" }), to: store)
        #expect(try await harness.dispatch(store).dispatchOnce() == 2)
        try await store.close()

        // A new process on the same file sends the rest, and nothing twice.
        store = try await harness.openStore()
        #expect(try await harness.drain(store) == 3)
        #expect(email.sendCount == 5)
        #expect(Set(email.messages.map(\.contactId)).count == 5)
        #expect(try await store.progress(jobId: submitted.id).byState == ["sent": 5])
        try await store.close()
    }

    @Test func strategyAllSendsOnEveryChannel() async throws {
        let email = ScriptedDriver(id: "mail", kind: .email)
        let sms = ScriptedDriver(id: "sms", kind: .sms)
        let push = ScriptedDriver(id: "push", kind: .push)
        let harness = try EngineHarness(drivers: [email, sms, push])
        let store = try await harness.openStore()
        try await store.upsertContacts([person("a", email: "a@x.io", phone: "+15550001", push: "tok")], at: harness.clock.now)
        let submitted = try await harness.submit(makeJob("all", ids: ["a"], channels: [.email, .sms, .push], strategy: .all), to: store)
        #expect(try await harness.drain(store) == 3)
        #expect([email.sendCount, sms.sendCount, push.sendCount] == [Int](repeating: 1, count: 3))
        #expect(push.messages.first?.addresses == ["fcm:tok"])
        let rows = try await deliveries(store, jobId: submitted.id)
        #expect(rows.map(\.channel) == [.email, .sms, .push])
        #expect(rows.allSatisfy { $0.state == .sent })
        #expect(rows.first { $0.channel == .sms }?.smsSegments == 1)
        try await store.close()
    }
}

import Foundation
import HeraldCore
import HeraldEngine
import Testing

@Suite("Engine: retries, fallback and suppression")
struct SendOutcomeTests {
    @Test func retryIsScheduledWithBackoffThenSent() async throws {
        let email = ScriptedDriver(
            id: "mail", kind: .email, script: [SendResult(outcome: .retry, error: "421 try later"), .sent(id: "pm-1")])
        let harness = try EngineHarness(drivers: [email])
        let store = try await harness.openStore()
        try await store.upsertContacts([person("a", email: "a@x.io")], at: harness.clock.now)
        let submitted = try await harness.submit(makeJob("retry", ids: ["a"]), to: store)
        let start = harness.clock.now

        #expect(try await harness.drain(store) == 1)
        var row = try #require(try await deliveries(store, jobId: submitted.id).first)
        #expect(row.state == .scheduled)
        // base 2s, first retry, no jitter: half the exponential step.
        #expect(row.notBefore == start.addingTimeInterval(1))
        #expect(try await harness.drain(store) == 0)

        harness.clock.advance(1)
        #expect(try await harness.drain(store) == 1)
        row = try #require(try await deliveries(store, jobId: submitted.id).first)
        #expect(row.state == .sent)
        #expect(row.providerMessageId == "pm-1")
        #expect(row.attempts.map(\.number) == [1, 2])
        #expect(row.attempts.map(\.outcome) == [.retry, .sent])
        #expect(row.attempts.map(\.instance) == ["mail", "mail"])
        #expect(row.attempts.allSatisfy { $0.latencyMs >= 0 })
        #expect(row.attempts.first?.error == "421 try later")
        // The retry carries the first attempt's key: had the provider taken the first, it drops the second.
        #expect(email.messages.map(\.idempotencyKey) == ["herald-\(row.id)", "herald-\(row.id)"])
        #expect(email.messages.map(\.attempt) == [1, 2])
        try await store.close()
    }

    /// The claim's decision is stored by the outcome's update, not by the claim: a sent row still says why.
    @Test func aSentDeliveryKeepsTheClaimsDecision() async throws {
        let harness = try EngineHarness(drivers: [ScriptedDriver(id: "mail", kind: .email)])
        let store = try await harness.openStore()
        try await store.upsertContacts([person("a", email: "a@x.io")], at: harness.clock.now)
        let submitted = try await harness.submit(makeJob("why", ids: ["a"]), to: store)
        #expect(try await harness.drain(store) == 1)
        let row = try #require(try await deliveries(store, jobId: submitted.id).first)
        #expect(row.state == .sent)
        #expect(row.trace.map(\.rule) == ["fanout", "default"], "the fan-out's step, then the claim's decision")
        try await store.close()
    }

    @Test func permanentSMSFailureFallsBackToEmail() async throws {
        let sms = ScriptedDriver(id: "sms", kind: .sms, script: [SendResult(outcome: .permanent, error: "rejected")])
        let email = ScriptedDriver(id: "mail", kind: .email)
        let harness = try EngineHarness(drivers: [sms, email])
        let store = try await harness.openStore()
        try await store.upsertContacts([person("a", email: "a@x.io", phone: "+15550001")], at: harness.clock.now)
        let submitted = try await harness.submit(makeJob("fb", ids: ["a"], channels: [.sms, .email], strategy: .first), to: store)
        #expect(try await deliveries(store, jobId: submitted.id).map(\.channel) == [.sms])

        #expect(try await harness.drain(store) == 2)
        let rows = try await deliveries(store, jobId: submitted.id)
        #expect(rows.map(\.channel) == [.sms, .email])
        #expect(rows.map(\.state) == [.failed, .sent])
        #expect(rows.last?.trace.contains { $0.rule == "fallback" } == true)
        #expect(sms.sendCount == 1)
        #expect(email.sendCount == 1)
        try await store.close()
    }

    @Test func invalidAddressIsSuppressedAndBlockedForLaterJobs() async throws {
        let email = ScriptedDriver(
            id: "mail", kind: .email, script: [SendResult(outcome: .invalidAddress, invalidAddresses: ["dead@x.io"])])
        let harness = try EngineHarness(drivers: [email])
        let store = try await harness.openStore()
        let contact = person("a", email: "dead@x.io")
        try await store.upsertContacts([contact], at: harness.clock.now)
        let first = try await harness.submit(makeJob("one", ids: ["a"]), to: store)
        #expect(try await harness.drain(store) == 1)
        let row = try #require(try await deliveries(store, jobId: first.id).first)
        #expect(row.state == .suppressed)
        #expect(row.reason == .invalidAddress)
        #expect(try await store.policyFacts(for: [contact], since: .distantPast)["a"]?.suppressedAddresses == ["dead@x.io"])

        let second = try await harness.submit(makeJob("two", ids: ["a"]), to: store)
        #expect(try await harness.drain(store) == 0)
        #expect(try await deliveries(store, jobId: second.id).first?.reason == .invalidAddress)
        #expect(email.sendCount == 1)
        try await store.close()
    }
}

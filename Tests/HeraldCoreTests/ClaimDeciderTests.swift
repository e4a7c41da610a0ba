import Foundation
import HeraldCore
import HeraldTestSupport
import Testing

@Suite struct ClaimDeciderTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let spec = JobSpec(
        idempotencyKey: "claim-decider", purpose: .marketing, topic: "loyalty", audience: Audience(contactIds: ["a"]),
        channels: [.sms, .email], content: Content(email: .init(subject: "s", text: "t"), sms: .init(text: "t")))
    let alice = Contact(id: "a", email: "a@example.com", phone: "+989121234567")

    private func row(_ id: Int64, contact: String = "a", channel: ChannelKind = .sms, cancelled: Bool = false)
        throws -> DueDelivery
    {
        let json = String(decoding: try HeraldJSON.encoder().encode(spec), as: UTF8.self)
        return DueDelivery(
            id: id, jobId: 7, contactId: contact, channel: channel, attemptCount: 2, specJSON: json,
            jobCancelled: cancelled)
    }

    private func decide(
        _ rows: [DueDelivery], policy: any DeliveryPolicy = ScriptedPolicy(), contacts: [Contact]? = nil,
        facts: [String: ContactPolicyFacts] = [:]
    ) throws -> ClaimDecisions {
        let decider = ClaimDecider(policy: policy, now: now, specs: JobSpecCache())
        let known = contacts ?? [alice]
        return try decider.decide(rows, contacts: Dictionary(uniqueKeysWithValues: known.map { ($0.id, $0) }), facts: facts)
    }

    @Test func sendLeasesTheNextAttemptAndReservesACapSlot() throws {
        let decisions = try decide([try row(1)])
        let send = try #require(decisions.sends.first)
        #expect(send.delivery.deliveryId == 1 && send.delivery.attempt == 3 && send.delivery.contact == alice)
        #expect(send.reservation == SendRecord(channel: .sms, purpose: .marketing, topic: "loyalty", at: now))
        #expect(try TraceStep.decodeStored(send.trace).map(\.rule) == ["default"])
        #expect(decisions.deferrals.isEmpty && decisions.suppressions.isEmpty)
        #expect(decisions.claimed.map(\.deliveryId) == [1])
        // A send no cap rule counts reserves nothing.
        #expect(try decide([try row(1)], policy: ScriptedPolicy(reserves: false)).sends.first?.reservation == nil)
    }

    @Test func aCancelledJobWinsOverEverythingElse() throws {
        // Even a contact the policy would send to, and even an unknown contact: the cancel is what is stored.
        let decisions = try decide([try row(1, cancelled: true), try row(2, contact: "gone", cancelled: true)])
        #expect(decisions.sends.isEmpty)
        #expect(decisions.suppressions.map(\.deliveryId) == [1, 2])
        #expect(decisions.suppressions.allSatisfy { $0.reason == .cancelled })
    }

    @Test func aContactDeletedSinceFanOutIsSuppressedAsNoAddress() throws {
        let decisions = try decide([try row(1, contact: "gone"), try row(2)])
        #expect(decisions.suppressions.map(\.deliveryId) == [1])
        #expect(decisions.suppressions.map(\.reason) == [.noAddress])
        #expect(decisions.suppressions.first?.row.detail == nil, "the store decided, not a policy rule")
        #expect(decisions.claimed.map(\.deliveryId) == [2])
    }

    @Test func sendsEarlierInTheBatchCountTowardTheContactsCap() throws {
        // Two due rows for one contact under a cap of 1: only the first goes out.
        let decisions = try decide([try row(1, channel: .sms), try row(2, channel: .email)], policy: ScriptedPolicy(cap: 1))
        #expect(decisions.claimed.map(\.deliveryId) == [1])
        #expect(decisions.suppressions.map(\.deliveryId) == [2])
        #expect(decisions.suppressions.first?.reason == .capped)
    }

    @Test func storedRecentSendsCountTooAndOtherContactsAreUnaffected() throws {
        let bob = Contact(id: "b", phone: "+4915112345678")
        let earlier = SendRecord(channel: .sms, purpose: .marketing, topic: nil, at: now.addingTimeInterval(-60))
        let decisions = try decide(
            [try row(1), try row(2, contact: "b")], policy: ScriptedPolicy(cap: 1), contacts: [alice, bob],
            facts: ["a": ContactPolicyFacts(recentSends: [earlier])])
        #expect(decisions.claimed.map(\.deliveryId) == [2])
        #expect(decisions.suppressions.map(\.reason) == [.capped])
    }

    @Test func deferAndSuppressCarryThePolicysTrace() throws {
        let later = now.addingTimeInterval(900)
        let bob = Contact(id: "b", phone: "+4915112345678")
        let policy = ScriptedPolicy(verdicts: ["a": .deferUntil(later), "b": .suppress(.optedOut)])
        let decisions = try decide([try row(1), try row(2, contact: "b")], policy: policy, contacts: [alice, bob])
        #expect(decisions.deferrals.map(\.deliveryId) == [1])
        #expect(decisions.deferrals.first?.until == later)
        #expect(decisions.suppressions.map(\.reason) == [.optedOut])
        #expect([decisions.deferrals[0].trace, decisions.suppressions[0].trace].allSatisfy { $0.contains("scripted") })
        // What the engine streams and counts for these rows: whose delivery it is and the deciding step.
        #expect(decisions.suppressions[0].row == .init(deliveryId: 2, jobId: 7, contactId: "b", channel: .sms, detail: "script: scripted"))
        #expect(decisions.deferrals[0].row.contactId == "a")
    }

    @Test func anUndecodableSpecFailsTheClaimInsteadOfGuessing() throws {
        var broken = try row(1)
        broken.specJSON = "{"
        #expect(throws: (any Error).self) { try decide([broken]) }
    }

    /// A claim's batch decided on two threads says exactly what one thread says, in the same order: each
    /// contact's rows stay together, so a cap of 2 still stops a contact's third row.
    @Test func decidingOnTwoThreadsChangesNothing() throws {
        let people = (0..<61).map { Contact(id: "c\($0)", email: "c\($0)@example.com", phone: "+98912123\(1000 + $0)") }
        let later = now.addingTimeInterval(900)
        let policy = ScriptedPolicy(verdicts: ["c7": .deferUntil(later), "c11": .suppress(.optedOut)], cap: 2)
        // Four or five rows per contact, interleaved; a row of a contact that is gone, one of a cancelled job.
        var rows = try (0..<300).map { try row(Int64($0 + 1), contact: "c\($0 % 61)", channel: $0 % 2 == 0 ? .sms : .email) }
        rows += [try row(301, contact: "gone"), try row(302, cancelled: true)]
        let known = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) })
        // Each with a cache of its own: the two halves decode the job's spec themselves.
        let one = try ClaimDecider(policy: policy, now: now, specs: JobSpecCache()).decide(rows, contacts: known, facts: [:])
        let two = try ClaimDecider(policy: policy, now: now, specs: JobSpecCache())
            .decideInParallel(rows, contacts: known, facts: [:])
        #expect(rows.count >= 128, "below it the batch is decided on one thread")

        #expect(one.sends.count == 118)
        #expect(two.sends.map(\.delivery.deliveryId) == one.sends.map(\.delivery.deliveryId))
        #expect(two.sends.map(\.trace) == one.sends.map(\.trace))
        #expect(two.sends.map(\.reservation) == one.sends.map(\.reservation))
        #expect(two.deferrals == one.deferrals)
        #expect(two.suppressions == one.suppressions)
    }

    /// A spec that no longer decodes fails the whole claim on two threads too, with nothing decided.
    @Test func anUndecodableSpecFailsALargeClaimToo() throws {
        var rows = try (0..<200).map { try row(Int64($0 + 1), contact: "a") }
        rows[150] = DueDelivery(
            id: 151, jobId: 8, contactId: "a", channel: .sms, attemptCount: 0, specJSON: "{", jobCancelled: false)
        let decider = ClaimDecider(policy: ScriptedPolicy(), now: now, specs: JobSpecCache())
        #expect(throws: (any Error).self) { try decider.decideInParallel(rows, contacts: ["a": alice], facts: [:]) }
    }
}

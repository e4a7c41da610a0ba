import Foundation
import HeraldCore
import HeraldEngine
import Synchronization
import Testing

/// A channel instance whose send to one contact erases that contact and answers only once the erasure has
/// committed, as a provider's answer for a message in flight at an erasure lands after it.
private final class ErasingDriver: ChannelDriver {
    let id = "mail"
    let kind = ChannelKind.email
    let store = Mutex<(any Store)?>(nil)
    let erasure = Mutex<Task<ContactErasure?, any Error>?>(nil)
    private let victim: String
    private let answer: SendResult

    init(erasing victim: String, answer: SendResult) {
        self.victim = victim
        self.answer = answer
    }

    func handles(address: String) -> Bool { true }

    func send(_ message: OutboundMessage) async -> SendResult {
        guard message.contactId == victim, let store = store.withLock({ $0 }) else {
            return .sent(id: "pm-\(message.contactId)")
        }
        // Not awaited here: the erasure's caller is answered only after this send returns (the send fence).
        let victim = self.victim
        erasure.withLock { task in
            task = Task { try await ContactEraser.erase(victim, store: store, settings: ErasureSettings(), actor: "test", at: Date()) }
        }
        // Bounded, so a failed erasure fails the test instead of hanging it.
        for _ in 0..<2000 {
            guard (try? await store.contact(id: victim)) != nil else { break }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return answer
    }

    func check() async -> ChannelCheck { ChannelCheck(instance: id, ok: true, detail: "erasing") }
}

@Suite("Engine: a provider's answer landing after the contact's erasure")
struct ErasureInFlightTests {
    enum Answer: String, CaseIterable, Sendable { case sent, blockedByTheUser }

    /// The erasure scrubbed the provider's id and error from earlier attempts and holds no opt-out under the person's
    /// id: the answer for the message in flight brings neither back.
    @Test(arguments: Answer.allCases)
    func anAnswerAfterTheErasureBringsNothingPersonalBack(_ answer: Answer) async throws {
        let result =
            switch answer {
            case .sent: SendResult.sent(id: "pm-erased")
            case .blockedByTheUser: SendResult(outcome: .optedOut, providerMessageId: "pm-erased", error: "403 bot blocked")
            }
        let driver = ErasingDriver(erasing: "b", answer: result)
        let harness = try EngineHarness(drivers: [driver])
        let store = try await harness.openStore()
        driver.store.withLock { $0 = store }
        try await store.upsertContacts(["a", "b"].map { person($0, email: "\($0)@x.io") }, at: harness.clock.now)
        let job = try await harness.submit(makeJob("notice", ids: ["a", "b"]), to: store)

        #expect(try await harness.drain(store) == 2)
        let erasure = try #require(try await driver.erasure.withLock({ $0 })?.value)

        let rows = try await deliveries(store, jobId: job.id)
        let erased = try #require(rows.first { $0.contactId == erasure.tombstone })
        #expect(erased.attempts.count == 1)
        #expect(erased.attempts.allSatisfy { $0.providerMessageId == nil && $0.error == nil })
        #expect(erased.providerMessageId == nil)
        // The bystander's attempt keeps the provider's id.
        #expect(rows.first { $0.contactId == "a" }?.attempts.first?.providerMessageId == "pm-a")
        let ledger = try await store.consentEvents(ConsentExportQuery(afterId: 0, limit: 100))
        #expect(ledger.filter { $0.source == "provider_opt_out" } == [])
        #expect(try await store.consentEvents(contactId: "b") == [])
        try await store.close()
    }
}

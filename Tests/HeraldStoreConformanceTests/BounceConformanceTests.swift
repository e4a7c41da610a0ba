import Foundation
import HeraldCore
import Testing

/// Bounces in: matching a report to its delivery, failing it, suppressing the address, counting soft
/// bounces in their window — the same on every backend.
@Suite("Store conformance: bounces")
struct BounceConformanceTests {
    /// One email delivery sent by instance `mail-a` with Message-ID `pm-1`.
    func sentDelivery(_ store: any Store) async throws -> ClaimedDelivery {
        try await store.upsertContacts([contact("ann", email: "ann@x.io")], at: t0)
        try await seedJob(store, spec("j", ids: ["ann"]))
        let claimed = try #require(try await claim(store).first)
        try await store.recordOutcomes(
            [DeliveryOutcome(deliveryId: claimed.deliveryId, owner: "w1", attempts: [attempt(1, .sent, id: "pm-1", at: at(1))], next: .sent)],
            at: at(1))
        return claimed
    }

    @Test(arguments: TestBackends.all)
    func aBounceFindsItsDeliveryByIdOrByMessageIdOfItsInstance(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let bounces = try #require(store as? any BounceStore)
            let claimed = try await sentDelivery(store)
            let expected = BouncedDelivery(
                deliveryId: claimed.deliveryId, contactId: "ann", channel: .email, instance: "mail-a", state: .sent)
            #expect(try await bounces.bouncedDelivery(id: claimed.deliveryId) == expected)
            #expect(try await bounces.bouncedDelivery(instance: "mail-a", messageId: "pm-1") == expected)
            #expect(try await bounces.bouncedDelivery(instance: "mail-b", messageId: "pm-1") == nil)
            #expect(try await bounces.bouncedDelivery(id: claimed.deliveryId + 1000) == nil)
        }
    }

    @Test(arguments: TestBackends.all)
    func aHardBounceFailsTheDeliveryAndSuppressesTheAddressOnce(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let bounces = try #require(store as? any BounceStore)
            let list = try #require(store as? any SuppressionStore)
            let claimed = try await sentDelivery(store)
            let bounce = BounceRecord(kind: .hard, address: "ann@x.io", deliveryId: claimed.deliveryId, status: "5.1.1", source: "dsn")
            let first = try await bounces.recordBounce(bounce, rule: .standard, at: at(60))
            #expect(first == BounceResult(deliveryFailed: true, suppressed: true, softBounces: 0))
            let delivery = try #require(try await allDeliveries(store, jobId: claimed.jobId).first)
            #expect(delivery.state == .failed)
            #expect(delivery.attempts.last?.error == "bounce_hard: 5.1.1 reported by dsn")
            #expect(delivery.attempts.last?.outcome == .invalidAddress)
            let suppression = try #require(try await list.suppressions(addresses: ["ann@x.io"]).first)
            #expect(suppression.reason == "bounce")
            #expect(suppression.note == "hard bounce 5.1.1 (dsn)")
            #expect(try await list.suppressionChanges(address: "ann@x.io").map(\.actor) == ["bounce:dsn"])
            #expect(try await store.policyFacts(for: [contact("ann", email: "ann@x.io")], since: t0)["ann"]?.suppressedAddresses == ["ann@x.io"])

            // The same report posted again changes nothing more.
            let again = try await bounces.recordBounce(bounce, rule: .standard, at: at(61))
            #expect(again == BounceResult(deliveryFailed: false, suppressed: false, softBounces: 0))
            #expect(try await list.suppressionChanges(address: "ann@x.io").count == 1)
        }
    }

    @Test(arguments: TestBackends.all)
    func softBouncesSuppressAtTheThresholdWithinTheWindowOnceEachDelivery(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let bounces = try #require(store as? any BounceStore)
            let list = try #require(store as? any SuppressionStore)
            let rule = SoftBounceRule(threshold: 3, window: 7 * 86_400)
            let soft = BounceRecord(kind: .soft, address: "bob@x.io", status: "4.2.2", source: "ses")
            // One long ago falls out of the window.
            #expect(try await bounces.recordBounce(soft, rule: rule, at: at(0)).softBounces == 1)
            #expect(try await bounces.recordBounce(soft, rule: rule, at: at(8 * 86_400)).softBounces == 1)
            // One delivery reported twice counts once.
            let claimed = try await sentDelivery(store)
            var matched = soft
            matched.deliveryId = claimed.deliveryId
            #expect(try await bounces.recordBounce(matched, rule: rule, at: at(9 * 86_400)).softBounces == 2)
            let repeated = try await bounces.recordBounce(matched, rule: rule, at: at(9 * 86_400 + 60))
            #expect(repeated == BounceResult(deliveryFailed: false, suppressed: false, softBounces: 2))
            #expect(try await list.suppressions(addresses: ["bob@x.io"]).isEmpty)
            // A soft bounce never fails its delivery.
            #expect(try await allDeliveries(store, jobId: claimed.jobId).first?.state == .sent)
            let third = try await bounces.recordBounce(soft, rule: rule, at: at(10 * 86_400))
            #expect(third == BounceResult(deliveryFailed: false, suppressed: true, softBounces: 3))
            let suppression = try #require(try await list.suppressions(addresses: ["bob@x.io"]).first)
            #expect(suppression.reason == "soft_bounce")
            #expect(suppression.note == "3 soft bounces, last 4.2.2 (ses)")
        }
    }

    @Test(arguments: TestBackends.all)
    func aBounceOfADeliveryNotYetSentLeavesItsStateAlone(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let bounces = try #require(store as? any BounceStore)
            try await store.upsertContacts([contact("cy", email: "cy@x.io")], at: t0)
            let job = try await seedJob(store, spec("q", ids: ["cy"]))
            let queued = try #require(try await allDeliveries(store, jobId: job.id).first)
            let result = try await bounces.recordBounce(
                BounceRecord(kind: .hard, address: "cy@x.io", deliveryId: queued.id, source: "dsn"), rule: .standard, at: at(5))
            #expect(result.deliveryFailed == false)
            #expect(result.suppressed)
            #expect(try await allDeliveries(store, jobId: job.id).first?.state == .queued)
        }
    }
}

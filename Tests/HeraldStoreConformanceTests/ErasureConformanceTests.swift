import Foundation
import HeraldCore
import Testing

@Suite("Store conformance: erasure keeps the ledger provable")
struct ErasureConformanceTests {
    /// Plants a contact whose data sits in every place Herald keeps personal data, plus a bystander.
    private func plant(_ store: any Store) async throws -> Job {
        try await store.upsertContacts(
            [
                Contact(
                    id: "shirin", timezone: "Asia/Tehran", attributes: ["first_name": .string(PersonalData.firstName)],
                    email: PersonalData.email, phone: PersonalData.phone),
                contact("bob", email: "bob@example.org"),
            ], at: t0)
        _ = try await store.appendConsent(
            ConsentInput(
                contactId: "shirin", channel: "email", status: .granted, source: "web_form",
                evidence: PersonalData.evidence(1), occurredAt: at(1)), at: at(1))
        _ = try await store.appendConsent(
            ConsentInput(contactId: "bob", channel: "email", status: .granted, source: "web_form",
                evidence: ["ip": "198.51.100.1"], occurredAt: at(2)), at: at(2))
        let importer = try #require(store as? any ConsentImportStore)
        _ = try await importer.importConsents(
            [
                ConsentInput(
                    contactId: "shirin", channel: "sms", status: .granted, source: "import",
                    evidence: PersonalData.evidence(2), occurredAt: at(3)),
                ConsentInput(contactId: "shirin", channel: "sms", topic: "news", status: .revoked, source: "import", occurredAt: at(4)),
            ], at: at(5), progress: nil)
        let suppressions = try #require(store as? any SuppressionStore)
        _ = try await suppressions.addSuppressions(
            [SuppressionEntry(address: PersonalData.phone, reason: "complaint", note: nil)], actor: "test", at: at(6))
        // An earlier message to her soft-bounced: the bounce log names the address.
        let bounces = try #require(store as? any BounceStore)
        _ = try await bounces.recordBounce(
            BounceRecord(kind: .soft, address: PersonalData.email, status: "4.2.2", source: "dsn"), rule: .standard, at: at(6))
        let job = try await seedJob(store, spec("j", ids: ["shirin", "bob"], channels: [.email, .sms]), now: at(7))
        // Shirin's e-mail goes out (an attempt whose error text names the address); her SMS stays queued.
        let claimed = try await claim(store, now: at(8), limit: 1)
        let email = try #require(claimed.first)
        #expect(email.contact.id == "bob" || email.contact.id == "shirin")
        try await store.recordOutcomes(
            claimed.map { item in
                DeliveryOutcome(
                    deliveryId: item.deliveryId, owner: "w1",
                    attempts: [
                        Attempt(
                            number: 1, at: at(9), latencyMs: 5, instance: "mail-a", outcome: .sent,
                            providerMessageId: "pm-1", error: "450 retry for \(PersonalData.email)")
                    ], next: .sent, smsSegments: nil)
            }, at: at(9))
        return job
    }

    @Test(arguments: TestBackends.all)
    func nothingPersonalIsLeftInTheStorageAndTheChainStillVerifies(backend: TestBackend) async throws {
        try await withStore(backend) { store, fixture in
            let job = try await plant(store)
            #expect(found(PersonalData.all, in: try rawStorage(fixture)).count == PersonalData.all.count)
            let bounces = try #require(store as? any BounceStore)
            #expect(try await bounces.bounceReports(addresses: [PersonalData.email]).map(\.status) == ["4.2.2"])
            let before = try await ConsentChainCheck.verify(store)
            #expect(before == .ok(events: 4, headHash: before.head))
            let progressBefore = try await store.progress(jobId: job.id)

            let erasure = try #require(try await erase(store, "shirin"))

            #expect(erasure.ledgerEventsErased == 3)
            #expect(found(PersonalData.all, in: try rawStorage(fixture)) == [])
            #expect(try await ConsentChainCheck.verify(store) == .ok(events: 5, headHash: try await head(store)))
            #expect(try await store.contact(id: "shirin") == nil)
            #expect(try await store.consentEvents(contactId: "shirin") == [])
            let tombstoned = try await store.consentEvents(contactId: erasure.tombstone)
            #expect(tombstoned.count == 4)
            #expect(tombstoned.dropLast().allSatisfy { $0.evidence == nil && $0.seal?.isErased == true })
            let record = try #require(tombstoned.last)
            #expect(record.id == erasure.ledgerEventId)
            #expect(record.source == "erasure" && record.channel == "*" && record.status == .revoked)
            #expect(ConsentErasure.erasedEventIds(in: record) == tombstoned.dropLast().map(\.id))
            // The bystander keeps everything.
            #expect(try await store.consentEvents(contactId: "bob").first?.evidence == ["ip": "198.51.100.1"])
            #expect(try await store.contact(id: "bob")?.email == "bob@example.org")
            // Shirin's deliveries keep their states (job counts unchanged) under the tombstone; unsent ones are cancelled.
            #expect(try await store.progress(jobId: job.id).total == progressBefore.total)
            let hers = try await store.deliveries(DeliveryQuery(contactId: erasure.tombstone, limit: 10))
            #expect(hers.count == 2)
            #expect(hers.filter { $0.state == .suppressed }.allSatisfy { $0.reason == .cancelled })
            #expect(hers.contains { $0.state == .suppressed && $0.reason == .cancelled })
            #expect(hers.flatMap(\.attempts).allSatisfy { $0.error == nil })
            #expect(erasure.deliveriesCancelled == hers.filter { $0.reason == .cancelled }.count)
            #expect(try await store.deliveries(DeliveryQuery(contactId: "shirin", limit: 10)) == [])
            let suppressions = try #require(store as? any SuppressionStore)
            #expect(try await suppressions.suppressions(addresses: [PersonalData.phone]) == [])
            #expect(try await bounces.bounceReports(addresses: [PersonalData.email]) == [])
        }
    }

    /// The claim's decision is written with the outcome; a delivery erased while its message was in flight must
    /// not get it back, nor the provider's message id, when the outcome lands after the erasure.
    @Test(arguments: TestBackends.all)
    func anOutcomeLandingAfterAnErasureRestoresNeitherTheDecisionNorTheProviderIdNorTheAttemptsDetails(backend: TestBackend) async throws {
        try await withStore(backend) { store, fixture in
            try await store.upsertContacts([contact("shirin", email: PersonalData.email)], at: t0)
            _ = try await seedJob(store, spec("in-flight", ids: ["shirin"]), now: at(1))
            let claimed = try #require(try await claim(store, now: at(2)).first)
            // The count of deleted contacts as the claim saw it, as the engine passes it on: the erasure moves it.
            let deletionsAtClaim = try await store.contactDeletions()
            let erasure = try #require(try await erase(store, "shirin"))
            var outcome = DeliveryOutcome(
                deliveryId: claimed.deliveryId, owner: "w1",
                attempts: [
                    Attempt(
                        number: 1, at: at(3), latencyMs: 5, instance: "mail-a", outcome: .sent,
                        providerMessageId: "pm-in-flight", error: "250 queued as 4F2A")
                ], next: .sent,
                decisionTrace: TraceStep.encode([TraceStep(rule: "channel", outcome: "pass", detail: "email \(PersonalData.email)")]))
            outcome.contactDeletions = deletionsAtClaim
            try await store.recordOutcomes([outcome], at: at(3))
            let delivery = try #require(
                try await store.deliveries(DeliveryQuery(contactId: erasure.tombstone, limit: 10)).first)
            #expect(delivery.state == .sent, "the message did go out")
            #expect(delivery.providerMessageId == nil)
            #expect(delivery.attempts.count == 1)
            #expect(delivery.attempts.allSatisfy { $0.providerMessageId == nil && $0.error == nil }, "as the erasure left earlier attempts")
            #expect(found(PersonalData.all, in: try rawStorage(fixture)) == [])
        }
    }

    /// A failure that lands after the erasure queues no fallback (it would carry the erased id again) and puts no
    /// address on the suppression list (it would bring the address back in plain text).
    @Test(arguments: TestBackends.all)
    func aFailureLandingAfterAnErasureQueuesNoFallbackAndSuppressesNoAddress(backend: TestBackend) async throws {
        try await withStore(backend) { store, fixture in
            try await store.upsertContacts(
                [contact("shirin", email: PersonalData.email, phone: PersonalData.phone), contact("bob", phone: "+15550002")],
                at: t0)
            let job = try await seedJob(store, spec("in-flight", ids: ["shirin", "bob"], channels: [.sms]), now: at(1))
            let claimed = try await claim(store, now: at(2))
            #expect(claimed.count == 2)
            _ = try #require(try await erase(store, "shirin"))
            let outcomes = claimed.map { delivery in
                let address = delivery.contact.id == "shirin" ? PersonalData.phone : "+15550002"
                return DeliveryOutcome(
                    deliveryId: delivery.deliveryId, owner: "w1", attempts: [attempt(1, .permanent, instance: "sms-a", at: at(3))],
                    next: .suppressed(.invalidAddress),
                    fallback: NewDelivery(
                        job: job.spec, jobId: job.id, contactId: delivery.contact.id, channel: .email, state: .queued,
                        reason: nil, notBefore: at(3), trace: [TraceStep(rule: "fallback", outcome: "queued", detail: "sms failed")]),
                    invalidAddresses: [address])
            }
            try await store.recordOutcomes(outcomes, at: at(3))
            // The bystander's failure still has its follow-ups.
            let rows = try await allDeliveries(store, jobId: job.id)
            #expect(rows.filter { $0.channel == .email }.map(\.contactId) == ["bob"])
            let list = try #require(store as? any SuppressionStore)
            #expect(try await list.suppressions(addresses: ["+15550002"]).count == 1)
            #expect(try await list.suppressions(addresses: [PersonalData.phone]) == [])
            #expect(try await store.deliveries(DeliveryQuery(contactId: "shirin", limit: 10)) == [])
            #expect(found(PersonalData.all, in: try rawStorage(fixture)) == [])
        }
    }

    /// A bounce or complaint matched to a delivery read before the erasure and written after it (the report's route
    /// reads, then writes) records nothing: the address, or a revocation under the erased id, would come back.
    @Test(arguments: TestBackends.all)
    func aBounceOrComplaintWrittenAfterTheErasureOfItsContactRecordsNothing(backend: TestBackend) async throws {
        try await withStore(backend) { store, fixture in
            try await store.upsertContacts([contact("shirin", email: PersonalData.email)], at: t0)
            _ = try await seedJob(store, spec("sent", ids: ["shirin"]), now: at(1))
            let claimed = try #require(try await claim(store, now: at(2)).first)
            try await store.recordOutcomes(
                [
                    DeliveryOutcome(
                        deliveryId: claimed.deliveryId, owner: "w1", attempts: [attempt(1, .sent, id: "pm-1", at: at(3))],
                        next: .sent)
                ], at: at(3))
            let bounces = try #require(store as? any BounceStore)
            let matched = try #require(try await bounces.bouncedDelivery(id: claimed.deliveryId))
            #expect(matched.contactId == "shirin")
            let eventsBefore = try await store.consentEvents(ConsentExportQuery(afterId: 0, limit: 100)).count

            _ = try #require(try await erase(store, "shirin"))
            // The same id, re-created meanwhile (a CRM sync): the delivery is still the erased person's.
            try await store.upsertContacts([contact("shirin", email: "new-shirin@example.org")], at: at(4))

            for kind in [BounceRecord.Kind.hard, .soft] {
                let result = try await bounces.recordBounce(
                    BounceRecord(
                        kind: kind, address: PersonalData.email, deliveryId: matched.deliveryId, status: "5.1.1",
                        source: "dsn", contactId: matched.contactId),
                    rule: SoftBounceRule(threshold: 1, window: 86_400), at: at(4))
                #expect(result == .erasedContact)
            }
            // A spam report, or a provider's "blocked" answer for the message in flight.
            let ledger = try #require(store as? any ConsentImportStore)
            let revocation = DeliveryRevocation(
                deliveryId: matched.deliveryId,
                input: ConsentInput(
                    contactId: matched.contactId, channel: "email", topic: "*", status: .revoked, source: "complaint",
                    evidence: ["delivery_id": .number(Double(matched.deliveryId))], actor: "recipient", occurredAt: at(4)))
            #expect(try await ledger.recordDeliveryRevocations([revocation], at: at(4)).isEmpty)
            #expect(try await store.consentEvents(ConsentExportQuery(afterId: 0, limit: 100)).count == eventsBefore + 1, "only the erasure's record")
            #expect(try await bounces.bounceReports(addresses: [PersonalData.email]) == [])
            let list = try #require(store as? any SuppressionStore)
            #expect(try await list.suppressions(addresses: [PersonalData.email]) == [])
            #expect(try await bounces.bouncedDelivery(id: matched.deliveryId)?.state == .sent)
            #expect(found(PersonalData.all, in: try rawStorage(fixture)) == [])
            // Reports about a delivery whose contact still exists are recorded as before.
            try await store.upsertContacts([contact("bob", email: "bob@example.org")], at: at(5))
            _ = try await seedJob(store, spec("bob's", ids: ["bob"]), now: at(5))
            let bobs = try #require(try await claim(store, now: at(6)).first)
            let bob = try await bounces.recordBounce(
                BounceRecord(kind: .soft, address: "bob@example.org", deliveryId: bobs.deliveryId, source: "dsn", contactId: "bob"),
                rule: .standard, at: at(6))
            #expect(bob.softBounces == 1 && !bob.erased)
            let bobHard = try await bounces.recordBounce(
                BounceRecord(kind: .hard, address: "bob@example.org", deliveryId: bobs.deliveryId, source: "dsn", contactId: "bob"),
                rule: .standard, at: at(6))
            #expect(bobHard.suppressed && !bobHard.erased)
            // A delivery pruned since the match (retention) is no erasure: the report is recorded without it.
            let pruned = try await bounces.recordBounce(
                BounceRecord(kind: .hard, address: "carol@example.org", deliveryId: 9_999_999, source: "dsn", contactId: "carol"),
                rule: .standard, at: at(7))
            #expect(pruned.suppressed && !pruned.erased)
            let bobsRevocation = DeliveryRevocation(
                deliveryId: bobs.deliveryId,
                input: ConsentInput(contactId: "bob", channel: "email", topic: "*", status: .revoked, source: "complaint", occurredAt: at(6)))
            #expect(try await ledger.recordDeliveryRevocations([revocation, bobsRevocation], at: at(6)).map(\.contactId) == ["bob"])
        }
    }

    /// A suppression of the person's address in its other spelling (A-labels, as a provider reports it) is theirs
    /// too, and goes with its history.
    @Test(arguments: TestBackends.all)
    func anErasureRemovesASuppressionInTheOtherSpellingOfTheAddress(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.upsertContacts([contact("ivan", email: "ivan@почта.рф")], at: t0)
            let list = try #require(store as? any SuppressionStore)
            _ = try await list.addSuppressions(
                [SuppressionEntry(address: "ivan@xn--80a1acny.xn--p1ai", reason: "hard_bounce")], actor: "cli", at: t0)
            _ = try #require(try await erase(store, "ivan"))
            #expect(try await list.suppressions(addresses: ["ivan@xn--80a1acny.xn--p1ai"]) == [])
            #expect(try await list.suppressionChanges(address: "ivan@xn--80a1acny.xn--p1ai") == [])
        }
    }

    @Test(arguments: TestBackends.all)
    func aRecreatedContactStartsWithAnEmptyHistory(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await plant(store)
            _ = try #require(try await erase(store, "shirin"))
            try await store.upsertContacts([contact("shirin", email: "new@example.org")], at: at(200))
            #expect(try await store.consentEvents(contactId: "shirin") == [])
            #expect(try await store.deliveries(DeliveryQuery(contactId: "shirin", limit: 10)) == [])
            let facts = try await store.policyFacts(for: [contact("shirin")], since: t0)
            #expect(facts["shirin"]?.consents.isEmpty ?? true)
            #expect(facts["shirin"]?.recentSends.isEmpty ?? true)
            // Its new history is its own and verifies with the old one.
            let grant = try await store.appendConsent(
                ConsentInput(contactId: "shirin", channel: "email", status: .granted, source: "api", occurredAt: at(201)),
                at: at(201))
            #expect(try await store.consentEvents(contactId: "shirin") == [grant])
            #expect(try await ConsentChainCheck.verify(store) == .ok(events: 6, headHash: grant.hash))
        }
    }

    /// Preference links signed before an erasure are told from the re-created contact's by this time.
    @Test(arguments: TestBackends.all)
    func aContactRowKeepsItsCreationTimeUntilErased(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            let erasure = try erasable(store)
            #expect(try await erasure.contactCreatedAt("shirin") == nil)
            _ = try await plant(store)
            #expect(try await erasure.contactCreatedAt("shirin") == t0)
            try await store.upsertContacts([contact("shirin", email: "changed@example.org")], at: at(50))
            #expect(try await erasure.contactCreatedAt("shirin") == t0, "an update keeps it")
            _ = try #require(try await erase(store, "shirin"))
            #expect(try await erasure.contactCreatedAt("shirin") == nil)
            try await store.upsertContacts([contact("shirin", email: "new@example.org")], at: at(200))
            #expect(try await erasure.contactCreatedAt("shirin") == at(200))
            #expect(try await erasure.contactCreatedAt("bob") == t0)
        }
    }

    @Test(arguments: TestBackends.all)
    func erasingNobodyFindsNothingAndATombstoneCannotBeErasedAgain(backend: TestBackend) async throws {
        try await withStore(backend) { store, _ in
            #expect(try await erase(store, "nobody") == nil)
            _ = try await plant(store)
            let erasure = try #require(try await erase(store, "shirin"))
            await #expect(throws: HeraldError.self) { try await erase(store, erasure.tombstone) }
            #expect(try await erase(store, "shirin") == nil)
        }
    }

    @Test(arguments: TestBackends.all)
    func erasedAddressesStayBlockedOnlyAsKeyedHashes(backend: TestBackend) async throws {
        try await withStore(backend) { store, fixture in
            _ = try await plant(store)
            let erasure = try #require(try await erase(store, "shirin", block: true))
            #expect(erasure.addressesBlocked == 2)
            #expect(found(PersonalData.all, in: try rawStorage(fixture)) == [])
            // The policy facts mark the address for whoever holds it next, once the store knows the key.
            let again = contact("someone-else", phone: PersonalData.phone)
            let other = contact("x", email: "other@example.org")
            let filter = try #require(store as? any ContactErasureStore).erasedAddresses
            var facts = try await store.policyFacts(for: [again, other], since: t0)
            #expect(facts["someone-else"]?.erasedAddresses == [], "off until enabled")
            filter.enable(ErasureSettings(blockedAddressKey: Array("another-key".utf8)))
            facts = try await store.policyFacts(for: [again, other], since: t0)
            #expect(facts["someone-else"]?.erasedAddresses == [], "another key finds nothing")
            filter.enable(ErasureSettings(blockedAddressKey: Array("test-key".utf8)))
            facts = try await store.policyFacts(for: [again, other], since: t0)
            #expect(facts["someone-else"]?.erasedAddresses == [PersonalData.phone])
            #expect(facts["x"]?.erasedAddresses == [])
            // And an address on its own (an ESP's report no delivery matched) is found by its keyed hash alone.
            let key = ErasureSettings(blockedAddressKey: Array("test-key".utf8))
            let erasing = try erasable(store)
            #expect(try await erasing.listsErasedAddress(digests: [try #require(key.addressDigest(PersonalData.phone))]))
            #expect(try await !erasing.listsErasedAddress(digests: [try #require(key.addressDigest("other@example.org"))]))
            #expect(try await !erasing.listsErasedAddress(digests: []))
        }
    }

    /// Events written before digest hashing (hash version 1) are sealed by an erasure: their stored hash
    /// stands, the erasure event names them, and the chain still verifies.
    @Test(arguments: TestBackends.all)
    func legacyEventsAreSealedAndStillVerify(backend: TestBackend) async throws {
        let fixture = try await backend.makeFixture()
        defer { fixture.destroy() }
        var store = try await fixture.open()
        var head = ConsentChain.genesis
        var values: [String] = []
        for (index, id) in ["shirin", "bob", "shirin"].enumerated() {
            let input = ConsentInput(
                contactId: id, channel: "email", status: .granted, source: "api", evidence: PersonalData.evidence(index),
                occurredAt: at(Double(index)))
            var event = ConsentEvent(id: Int64(index + 1), input: input, recordedAt: at(Double(index)), prevHash: head, storedHash: "")
            event.hash = ConsentChain.hash(of: event)
            head = event.hash
            let evidence = String(decoding: try HeraldJSON.encoder().encode(PersonalData.evidence(index)), as: UTF8.self)
            values.append(
                "(\(event.id), '\(id)', 'email', '*', 'granted', 'api', '\(evidence)', NULL, \(event.occurredAt.millisecondsSince1970), \(event.recordedAt.millisecondsSince1970), '\(event.prevHash)', '\(event.hash)', 1)")
        }
        try await store.close()
        try fixture.executeRaw(
            """
            INSERT INTO consent_events (id, contact_id, channel, topic, status, source, evidence, actor, occurred_at,
            recorded_at, prev_hash, hash, hash_version) VALUES \(values.joined(separator: ", "))
            """)
        store = try await fixture.open()
        #expect(try await ConsentChainCheck.verify(store) == .ok(events: 3, headHash: head))
        let erasure = try #require(try await erase(store, "shirin"))
        let sealed = try await store.consentEvents(contactId: erasure.tombstone)
        #expect(sealed.map(\.id) == [1, 3, erasure.ledgerEventId])
        #expect(sealed.dropLast().allSatisfy { $0.seal?.version == ConsentSeal.sealedLegacyVersion && $0.evidence == nil })
        #expect(try await ConsentChainCheck.verify(store) == .ok(events: 4, headHash: sealed.last!.hash))
        #expect(try await store.consentEvents(contactId: "bob").first?.evidence == PersonalData.evidence(1))
        try await store.close()
    }
}

/// Chain verification through the store's export pages, as `herald audit verify` walks it.
enum ConsentChainCheck {
    static func verify(_ store: any Store) async throws -> ConsentChain.Verification {
        var verifier = ConsentChain.Verifier()
        var query = ConsentExportQuery(limit: 700)
        while true {
            let events = try await store.consentEvents(query)
            guard let last = events.last else { break }
            for event in events { verifier.feed(event) }
            query.afterId = last.id
        }
        return verifier.result
    }
}

func head(_ store: any Store) async throws -> String {
    var query = ConsentExportQuery(limit: 1000)
    var last = ConsentChain.genesis
    while true {
        guard let final = try await store.consentEvents(query).last else { break }
        last = final.hash
        query.afterId = final.id
    }
    return last
}

extension ConsentChain.Verification {
    var head: String {
        if case .ok(_, let head) = self { return head }
        return ""
    }
}

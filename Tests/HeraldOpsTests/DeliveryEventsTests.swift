import Foundation
import HeraldCore
import HeraldStoreSQLite
import HeraldEngine
import Synchronization
import Testing

@Suite("Live-tail broadcaster")
struct DeliveryEventsTests {
    static func event(job: Int64, state: DeliveryState = .sent, delivery: Int64 = 1) -> DeliveryEvent {
        DeliveryEvent(at: Date(), deliveryId: delivery, jobId: job, contactId: "c", channel: .sms, state: state)
    }

    @Test("a subscriber gets matching events in order, numbered by the broadcaster")
    func orderAndFilter() async {
        let events = DeliveryEvents()
        let subscription = events.subscribe(DeliveryEventFilter(jobId: 7))
        events.publish((1...5).map { Self.event(job: $0 % 2 == 0 ? 8 : 7, delivery: $0) })
        var received: [DeliveryEvent] = []
        for _ in 0..<3 {
            if case .event(let event) = await subscription.next() { received.append(event) }
        }
        #expect(received.map(\.deliveryId) == [1, 3, 5])
        #expect(received.map(\.seq) == [1, 3, 5])
        subscription.cancel()
        #expect(events.subscriberCount == 0)
        #expect(await subscription.next() == nil)
    }

    @Test("a slow subscriber loses the overflow, is told how much, and publishing never waits")
    func dropAndReport() async {
        let events = DeliveryEvents(bufferSize: 3)
        let slow = events.subscribe()
        for delivery in 1...10 { events.publish([Self.event(job: 1, delivery: Int64(delivery))]) }
        var items: [DeliveryStreamItem] = []
        for _ in 0..<4 { if let item = await slow.next() { items.append(item) } }
        let ids = items.compactMap { item -> Int64? in if case .event(let event) = item { event.deliveryId } else { nil } }
        #expect(ids == [1, 2, 3])
        #expect(items.last == .dropped(7))
        events.publish([Self.event(job: 1, delivery: 11)])
        if case .event(let event) = await slow.next() { #expect(event.deliveryId == 11) } else { Issue.record("expected event 11") }
        slow.cancel()
    }

    @Test("subscribers without a filter share each published batch; one that does not fit is reported dropped whole")
    func sharedBatches() async {
        let events = DeliveryEvents(bufferSize: 4)
        let first = events.subscribe()
        let second = events.subscribe()
        events.publish((1...3).map { Self.event(job: 1, delivery: $0) })
        events.publish((4...5).map { Self.event(job: 1, delivery: $0) })
        events.publish([Self.event(job: 1, delivery: 6)])
        guard let mine = await first.nextPieces(), let theirs = await second.nextPieces(),
            case .batch(let a) = mine[0], case .batch(let b) = theirs[0]
        else {
            Issue.record("expected shared batches")
            return
        }
        #expect(a === b, "one batch object for both subscribers, not a copy each")
        #expect(a.events.map(\.deliveryId) == [1, 2, 3])
        guard case .item(.dropped(2)) = mine[1], case .batch(let last) = mine[2] else {
            Issue.record("expected 2 dropped then the batch that fit, got \(mine)")
            return
        }
        #expect(last.events.map(\.deliveryId) == [6])
        first.cancel()
        second.cancel()
    }

    /// The stream waits after each write for more to gather; with a pause of an hour, only the buffer filling
    /// half way (or the stream ending) can end the wait before the test's time limit.
    @Test("a stream gathering after a write wakes once half its buffer is full, before it could drop anything",
        .timeLimit(.minutes(1)))
    func gatherWakesAtHalfTheBuffer() async {
        let events = DeliveryEvents(bufferSize: 8)
        let subscription = events.subscribe()
        let woke = Mutex(false)
        let gathering = Task {
            await subscription.gather(for: .seconds(3_600))
            woke.withLock { $0 = true }
        }
        // Let the wait begin first, so the events below arrive while it waits.
        try? await Task.sleep(for: .milliseconds(50))
        events.publish((1...3).map { Self.event(job: 1, delivery: $0) })
        // Three of eight: still gathering (a correct wait lasts the hour, so this cannot fail spuriously).
        try? await Task.sleep(for: .milliseconds(100))
        #expect(!woke.withLock { $0 }, "woke before half the buffer was full")
        events.publish([Self.event(job: 1, delivery: 4)])
        await gathering.value
        let pieces = await subscription.nextBatch() ?? []
        #expect(pieces.count == 4, "all four events, none dropped")
        #expect(!pieces.contains { if case .dropped = $0 { true } else { false } })
        subscription.cancel()
    }

    @Test("a quiet stream's wait ends after its pause with what arrived, and a cancelled one's at once",
        .timeLimit(.minutes(1)))
    func gatherEndsAfterThePauseOrACancel() async {
        let events = DeliveryEvents(bufferSize: 8)
        let subscription = events.subscribe()
        events.publish([Self.event(job: 1, delivery: 1)])
        await subscription.gather(for: .milliseconds(10))
        #expect(await subscription.nextBatch()?.count == 1)
        let gathering = Task { await subscription.gather(for: .seconds(3_600)) }
        // Let the wait begin, so the cancel wakes a waiting stream rather than one that has not started.
        try? await Task.sleep(for: .milliseconds(50))
        subscription.cancel()
        await gathering.value
        #expect(await subscription.nextPieces() == nil)
    }

    @Test("the engine publishes each state change of a job: queued, sending, then sent or failed")
    func engineEvents() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        let subscription = fixture.events.subscribe()
        let job = try await fixture.seed()
        try await fixture.runJob()
        subscription.cancel()
        var states: [String: [DeliveryState]] = [:]
        var seqs: [UInt64] = []
        for await item in subscription {
            guard case .event(let event) = item else { continue }
            #expect(event.jobId == job.id)
            states[event.contactId, default: []].append(event.state)
            seqs.append(event.seq)
        }
        #expect(seqs == seqs.sorted())
        #expect(states["c-1"] == [.queued, .sending, .sent])
        #expect(states["c-3"] == [.queued, .sending, .failed])
    }

    @Test("a delivery the policy stops at send time is streamed and counted as suppressed, with its reason")
    func claimTimeSuppressionIsStreamedAndCounted() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        let job = try await fixture.seed()
        let now = Date()
        let claimedJob = try #require(
            try await fixture.store.claimFanout(owner: "test-worker", now: now, leaseUntil: now.addingTimeInterval(60)))
        try await fixture.fanout.fanOut(claimedJob)
        // Anna's mailbox bounces after fan-out queued her message: the send-time check must stop it.
        try await fixture.store.suppress(addresses: ["anna@example.com"], reason: "bounce", at: now)
        let subscription = fixture.events.subscribe(DeliveryEventFilter(jobId: job.id, contactId: "c-1"))
        while try await fixture.dispatch.dispatchOnce() > 0 {}
        subscription.cancel()
        var events: [DeliveryEvent] = []
        for await item in subscription { if case .event(let event) = item { events.append(event) } }
        #expect(events.map(\.state) == [.suppressed])
        #expect(events.first?.reason == .invalidAddress)
        #expect(events.first?.deliveryId != nil)
        #expect(events.first?.detail?.hasPrefix("address:") == true)
        #expect(events.first?.detail?.contains("anna") == false, "no address in the stream")
        let metrics = PrometheusSamples(fixture.renderMetrics())
        #expect(metrics.value("herald_deliveries_total", ["state": "suppressed", "reason": "invalid_address"]) == 1)
    }

    /// With nobody on the live tail the engine builds no events, only counts: the counters must say the same.
    @Test("with no live-tail subscriber, fan-out's rows and a send-time suppression are still counted")
    func claimTimeSuppressionIsCountedWithoutSubscribers() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        _ = try await fixture.seed()
        let now = Date()
        let claimedJob = try #require(
            try await fixture.store.claimFanout(owner: "test-worker", now: now, leaseUntil: now.addingTimeInterval(60)))
        try await fixture.fanout.fanOut(claimedJob)
        try await fixture.store.suppress(addresses: ["anna@example.com"], reason: "bounce", at: now)
        while try await fixture.dispatch.dispatchOnce() > 0 {}
        #expect(fixture.events.subscriberCount == 0)
        let metrics = PrometheusSamples(fixture.renderMetrics())
        #expect(metrics.value("herald_deliveries_total", ["channel": "email", "instance": "none", "state": "queued"]) == 3)
        #expect(metrics.value("herald_deliveries_total", ["state": "suppressed", "reason": "invalid_address"]) == 1)
        #expect(metrics.value("herald_deliveries_total", ["instance": "mail-main", "state": "sent", "reason": "none"]) == 1)
    }
}

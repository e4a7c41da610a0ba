import Foundation
import HeraldCore
import HeraldEngine
import Testing

/// The dispatcher hands each claimed batch to an instance in one call; these check that the instance's
/// rate limit, breaker and failover still apply message by message inside a batch.
@Suite("Engine: batches through channel instances")
struct BatchSendTests {
    @Test func aBreakerThatOpensMidBatchSendsTheRestStraightToTheNextInstance() async throws {
        let retry = SendResult(outcome: .retry, error: "503")
        let primary = ScriptedDriver(id: "sms-a", kind: .sms, script: Array(repeating: retry, count: 10))
        let backup = ScriptedDriver(id: "sms-b", kind: .sms)
        // Two tokens at once, then one every half second: the first wave is two messages.
        let routes = [
            ChannelRouter.Route(
                instance: InstanceGuard(
                    driver: primary, ratePerSecond: 2, concurrency: 8,
                    breaker: CircuitBreaker(threshold: 2, cooldown: 600))),
            ChannelRouter.Route(instance: InstanceGuard(driver: backup, ratePerSecond: nil, concurrency: 8)),
        ]
        let harness = try EngineHarness(routes: routes)
        let store = try await harness.openStore()
        let ids = ["a", "b", "c", "d", "e"]
        try await store.upsertContacts(
            ids.enumerated().map { person($1, phone: "+1555000\($0)") }, at: harness.clock.now)
        let submitted = try await harness.submit(makeJob("mid", ids: ids, channels: [.sms]), to: store)

        #expect(try await harness.drain(store) == 5)
        let rows = try await deliveries(store, jobId: submitted.id)
        #expect(rows.allSatisfy { $0.state == .sent && $0.instance == "sms-b" })
        // The first wave met sms-a and failed over; once its breaker opened, the rest never tried it.
        #expect(primary.sendCount == 2)
        #expect(rows.filter { $0.attempts.map(\.instance) == ["sms-a", "sms-b"] }.count == 2)
        #expect(rows.filter { $0.attempts.map(\.instance) == ["sms-b"] }.count == 3)
        #expect(await routes[0].instance.breakerState == .open)
        try await store.close()
    }

    @Test(.timeLimit(.minutes(1)))
    func aRateLimitedInstanceSendsTheWholeBatchInWavesAndInOrder() async throws {
        let paced = ScriptedDriver(id: "sms-paced", kind: .sms)
        // A burst of 20, then one every 50 ms (real time: the bucket's waits are real sleeps).
        let instance = InstanceGuard(driver: paced, ratePerSecond: 20, concurrency: 2)
        let batch = Self.messages(30)
        let results = await instance.send(batch: batch, now: { Date() })
        #expect(results.count == 30)
        #expect(results.allSatisfy { $0?.outcome == .sent })
        #expect(Set(paced.messages.map(\.contactId)) == Set(batch.map(\.contactId)))
    }

    @Test(.timeLimit(.minutes(1)))
    func aPooledDriverGetsChunksAsTokensComeWithoutWaitingForEarlierChunks() async throws {
        // Each chunk takes a second to answer; tokens come every 50 ms after a burst of 20.
        let pooled = BatchingDriver(id: "sms-pooled", delay: .seconds(1))
        let instance = InstanceGuard(driver: pooled, ratePerSecond: 20, concurrency: 64)
        let results = await instance.send(batch: Self.messages(24), now: { Date() })
        #expect(results.count == 24)
        #expect(results.allSatisfy { $0?.outcome == .sent })
        let events = pooled.events
        #expect(events.first == .started(20))
        // The next chunk went out while the first was still waiting for its answer.
        #expect(events.dropFirst().first.map { if case .started = $0 { true } else { false } } == true)
        let sizes = events.compactMap { if case .started(let size) = $0 { size } else { nil } }
        #expect(sizes.reduce(0, +) == 24)
    }

    @Test func aPooledDriverWithoutARateLimitGetsTheWholeBatchAtOnce() async throws {
        let pooled = BatchingDriver(id: "sms-pooled")
        let instance = InstanceGuard(driver: pooled, ratePerSecond: nil, concurrency: 64)
        let results = await instance.send(batch: Self.messages(500), now: { Date() })
        #expect(results.compactMap { $0 }.count == 500)
        #expect(pooled.events == [.started(500), .finished(500)])
    }

    @Test(.timeLimit(.minutes(1)))
    func anOpeningBreakerStopsThePooledDriversNextChunks() async throws {
        let failing = BatchingDriver(id: "sms-failing", answer: SendResult(outcome: .retry, error: "503"))
        // A burst of 2, then a token every half second; the breaker opens after 2 failures.
        let instance = InstanceGuard(
            driver: failing, ratePerSecond: 2, concurrency: 8, breaker: CircuitBreaker(threshold: 2, cooldown: 600))
        let results = await instance.send(batch: Self.messages(6), now: { Date() })
        #expect(results.prefix(2).allSatisfy { $0?.outcome == .retry })
        #expect(results.dropFirst(2).allSatisfy { $0 == nil })
        #expect(failing.events == [.started(2), .finished(2)])
    }

    @Test(.timeLimit(.minutes(1)))
    func twoDispatchLoopsSharingAnInstanceNeverWaitOnEachOther() async throws {
        let driver = ScriptedDriver(id: "sms-shared", kind: .sms)
        let instance = InstanceGuard(driver: driver, ratePerSecond: nil, concurrency: 4)
        let messages = Self.messages(10)
        // Each loop sends batch after batch; a batch holding slots while waiting for more would deadlock.
        let sent = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    var sent = 0
                    for _ in 0..<20 {
                        sent += await instance.send(batch: messages, now: { Date() }).filter { $0?.outcome == .sent }.count
                    }
                    return sent
                }
            }
            return await group.reduce(0, +)
        }
        #expect(sent == 400)
        #expect(driver.sendCount == 400)
    }

    static func messages(_ count: Int) -> [OutboundMessage] {
        (0..<count).map { index in
            OutboundMessage(
                deliveryId: Int64(index), jobId: 1, contactId: "c\(index)", channel: .sms, purpose: .transactional,
                topic: nil, addresses: ["+1555200\(1000 + index)"], content: .sms(text: "code \(index)"),
                unsubscribeURL: nil, idempotencyKey: "k\(index)", attempt: 1)
        }
    }
}

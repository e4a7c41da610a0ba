import Foundation
import HeraldCore
import HeraldEngine
import Synchronization
import Testing

@Suite("Engine: bulk work takes small bites of the writer while express work flows")
struct ExpressTrafficTests {
    private let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func bulkBatchesShrinkForTheWindowAfterExpressWork() {
        let traffic = ExpressTraffic(window: 10, divisor: 4)
        #expect(traffic.bulkLimit(1000, at: start) == 1000)
        traffic.note(at: start)
        #expect(traffic.bulkLimit(1000, at: start.addingTimeInterval(9)) == 250)
        // A note stamped earlier (a slower caller) does not shorten the window.
        traffic.note(at: start.addingTimeInterval(-5))
        #expect(traffic.bulkLimit(1000, at: start.addingTimeInterval(9)) == 250)
        #expect(traffic.bulkLimit(1000, at: start.addingTimeInterval(10)) == 1000)
        // Never below one.
        traffic.note(at: start.addingTimeInterval(40))
        #expect(traffic.bulkLimit(3, at: start.addingTimeInterval(41)) == 1)
    }

    @Test func campaignClaimsAreSmallerUntilTheWindowAfterAnOTPEnds() async throws {
        let (harness, store, express, dispatch) = try await campaignOfForty()

        #expect(try await dispatch.dispatchOnce() == 8)
        // Three contacts: more than a cut claim (8 / 4) would take.
        try await harness.submit(makeJob("otp", ids: ["c00", "c01", "c02"]), to: store)
        // The OTP's intake noted it (as `POST /v1/jobs` does); its own claim is not cut.
        express.note(at: harness.clock.now)
        #expect(try await dispatch.dispatchOnce(.express(floor: harness.settings.expressPriority)) == 3)
        #expect(try await dispatch.dispatchOnce() == 2)
        #expect(try await dispatch.dispatchOnce() == 2)
        harness.clock.advance(express.window)
        #expect(try await dispatch.dispatchOnce() == 8)
        try await store.close()
    }

    /// `engine.express_priority: 0` makes the express lane take every priority; it is still the express lane.
    @Test func anExpressLaneWithFloorZeroIsNeitherCutNorGeneral() async throws {
        let (harness, store, express, dispatch) = try await campaignOfForty()
        express.note(at: harness.clock.now)
        #expect(try await dispatch.dispatchOnce(.express(floor: 0)) == 8)
        #expect(try await dispatch.dispatchOnce() == 2)
        // The express claim goes ahead of bulk writes; the general one waits its turn.
        #expect(store.claimRequests.map(\.isUrgent) == [true, false])
        try await store.close()
    }

    @Test func fanoutWritesSmallerBatchesWhileExpressWorkFlows() async throws {
        let harness = try EngineHarness(fanoutBatchSize: 16)
        let sqlite = try await harness.openStore()
        let sizes = Mutex<[Int]>([])
        let store = InterceptingStore(sqlite) { batch, _ in sizes.withLock { $0.append(batch.deliveries.count) } }
        try await store.upsertContacts((0..<40).map { person(String(format: "c%02d", $0), email: "c\($0)@x.io") }, at: harness.clock.now)
        let express = ExpressTraffic()
        express.note(at: harness.clock.now)
        guard case .created(let job) = try await store.createJob(
            makeJob("promo", segment: "attributes.n >= 0", purpose: .marketing), bodyHash: "p", at: harness.clock.now)
        else { throw HeraldError(code: "test_unexpected", message: "job not created") }
        let leased = try #require(
            try await store.claimFanout(owner: harness.settings.workerId, now: harness.clock.now, leaseUntil: harness.clock.now + 60))
        try await harness.fanout(store, express: express).fanOut(leased)

        // Quarter-size pages: ten of four contacts (and possibly an empty last one that finishes the job).
        #expect(sizes.withLock { $0 }.filter { $0 > 0 } == Array(repeating: 4, count: 10))
        #expect(try await deliveries(store, jobId: job.id).count == 40)
        try await sqlite.close()
    }

    /// A marketing job to 40 contacts, fanned out, and a dispatcher claiming 8 at a time.
    private func campaignOfForty() async throws -> (EngineHarness, InterceptingStore, ExpressTraffic, DispatchService) {
        let harness = try EngineHarness(drivers: [ScriptedDriver(id: "mail", kind: .email)], claimBatchSize: 8)
        let store = InterceptingStore(try await harness.openStore())
        let ids = (0..<40).map { String(format: "c%02d", $0) }
        try await store.upsertContacts(ids.map { person($0, email: "\($0)@x.io") }, at: harness.clock.now)
        try await harness.submit(makeJob("promo", ids: ids, purpose: .marketing), to: store)
        let express = ExpressTraffic()
        return (harness, store, express, harness.dispatch(store, express: express))
    }
}

import Foundation
import HeraldCore
import Testing

@testable import HeraldEngine

/// A batch read ahead is used only by its job, at the cursor it was read from, while fresh.
@Suite struct FanoutLookaheadTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func prepared(_ jobId: Int64, cursor: String) -> PreparedFanoutBatch {
        PreparedFanoutBatch(
            batch: FanoutBatch(
                jobId: jobId, owner: "n", deliveries: [], cursor: cursor, audienceAdded: 0, finished: false,
                leaseUntil: t0, at: t0))
    }

    @Test func aBatchIsTakenOnlyAtItsCursorAndOnlyOnce() async {
        var lookahead = FanoutLookahead()
        lookahead.start(1, after: "c100", at: t0) { prepared(1, cursor: "c200") }
        #expect(await lookahead.take(1, after: "c150", now: t0) == nil)
        // The mismatch dropped it: the right cursor now finds nothing either.
        #expect(await lookahead.take(1, after: "c100", now: t0) == nil)
        lookahead.start(1, after: "c100", at: t0) { prepared(1, cursor: "c200") }
        #expect(await lookahead.take(2, after: "c100", now: t0) == nil)
        #expect(await lookahead.take(1, after: "c100", now: t0)?.batch.cursor == "c200")
        #expect(await lookahead.take(1, after: "c100", now: t0) == nil)
    }

    @Test func aStaleOrFailedBatchIsReadAgain() async {
        var lookahead = FanoutLookahead()
        lookahead.start(1, after: nil, at: t0) { prepared(1, cursor: "c1") }
        #expect(await lookahead.take(1, after: nil, now: t0.addingTimeInterval(FanoutLookahead.freshFor + 0.5)) == nil)
        lookahead.start(1, after: nil, at: t0) { throw HeraldError(code: "x", message: "read failed") }
        #expect(await lookahead.take(1, after: nil, now: t0) == nil)
    }

    @Test func roundRobinOverManyJobsDropsTheOldest() async {
        var lookahead = FanoutLookahead()
        for job in 1...Int64(FanoutLookahead.jobs + 1) {
            lookahead.start(job, after: nil, at: t0.addingTimeInterval(Double(job) / 100)) { prepared(job, cursor: "x") }
        }
        #expect(await lookahead.take(1, after: nil, now: t0) == nil)
        #expect(await lookahead.take(Int64(FanoutLookahead.jobs + 1), after: nil, now: t0) != nil)
        lookahead.dropAll()
    }
}

import Foundation
import HeraldCore
import Synchronization
import Testing

@testable import HeraldEngine

/// A batch read ahead is used only by its job, at the cursor it was read from, while its plan is fresh.
@Suite struct FanoutLookaheadTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func prepared(_ jobId: Int64, cursor: String, at: Date = t0) -> FanoutBatch {
        FanoutBatch(
            jobId: jobId, owner: "n", deliveries: [], cursor: cursor, audienceAdded: 0, finished: false, leaseUntil: at,
            at: at)
    }

    static let clock: @Sendable () -> Date = { t0 }

    @Test func aBatchIsTakenOnlyAtItsCursorAndOnlyOnce() async {
        var lookahead = FanoutLookahead()
        await lookahead.start(1, after: "c100", now: Self.t0) { Self.prepared(1, cursor: "c200") }
        #expect(await lookahead.take(1, after: "c150", now: Self.clock) == nil)
        // The mismatch dropped it: the right cursor now finds nothing either.
        #expect(await lookahead.take(1, after: "c100", now: Self.clock) == nil)
        await lookahead.start(1, after: "c100", now: Self.t0) { Self.prepared(1, cursor: "c200") }
        #expect(await lookahead.take(2, after: "c100", now: Self.clock) == nil)
        #expect(await lookahead.take(1, after: "c100", now: Self.clock)?.cursor == "c200")
        #expect(await lookahead.take(1, after: "c100", now: Self.clock) == nil)
    }

    @Test func aStaleOrFailedBatchIsNotUsed() async {
        var lookahead = FanoutLookahead()
        let late: @Sendable () -> Date = { Self.t0.addingTimeInterval(FanoutLookahead.freshFor + 0.5) }
        await lookahead.start(1, after: nil, now: Self.t0) { Self.prepared(1, cursor: "c1") }
        #expect(await lookahead.take(1, after: nil, now: late) == nil)
        await lookahead.start(1, after: nil, now: Self.t0) { throw HeraldError(code: "x", message: "read failed") }
        #expect(await lookahead.take(1, after: nil, now: Self.clock) == nil)
        // Fresh and read without error: used.
        await lookahead.start(1, after: nil, now: Self.t0) { Self.prepared(1, cursor: "c1") }
        #expect(await lookahead.take(1, after: nil, now: Self.clock)?.cursor == "c1")
    }

    /// In a round robin over more jobs than it holds, evicting would drop the batch whose turn is next: the
    /// jobs already waiting keep theirs and no more are started.
    @Test func aFullLookaheadStartsNoMore() async {
        var lookahead = FanoutLookahead()
        let reads = Mutex(0)
        for job in 1...Int64(FanoutLookahead.capacity + 1) {
            await lookahead.start(job, after: nil, now: Self.t0) {
                reads.withLock { $0 += 1 }
                return Self.prepared(job, cursor: "x")
            }
        }
        #expect(await lookahead.take(1, after: nil, now: Self.clock) != nil)
        #expect(await lookahead.take(Int64(FanoutLookahead.capacity + 1), after: nil, now: Self.clock) == nil)
        await lookahead.dropAll()
        #expect(reads.withLock { $0 } <= FanoutLookahead.capacity)
    }

    /// A job cancelled or taken over by another node is never prepared here again: once its batch is stale it
    /// gives its slot up, so the jobs still running are read ahead again.
    @Test func aStaleBatchGivesItsSlotUp() async {
        var lookahead = FanoutLookahead()
        for job in 1...Int64(FanoutLookahead.capacity) {
            await lookahead.start(job, after: nil, now: Self.t0) { Self.prepared(job, cursor: "x") }
        }
        let later = Self.t0.addingTimeInterval(FanoutLookahead.freshFor + 1)
        await lookahead.start(99, after: nil, now: later) { Self.prepared(99, cursor: "y", at: later) }
        #expect(await lookahead.take(99, after: nil, now: { later })?.cursor == "y")
        #expect(await lookahead.take(1, after: nil, now: { later }) == nil)
    }
}


import Foundation
import HeraldCore
import Synchronization
import Testing

@testable import HeraldEngine

/// The next page of an audience is read while the current one is planned, and used only by its job, at the
/// cursor it was read after, while it is fresh.
@Suite struct AudienceReadAheadTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// Pages of ten ids after a numeric cursor, the fifth one last; counts reads by cursor.
    final class Audience: Sendable {
        let reads = Mutex<[String?]>([])

        func read(_ after: String?) async throws -> AudiencePage {
            reads.withLock { $0.append(after) }
            let start = Int(after ?? "0") ?? 0
            let ids = (start..<start + 10).map { "c\($0)" }
            return AudiencePage(contacts: [], unknownIds: ids, cursor: String(start + 10), finished: start + 10 >= 50)
        }
    }

    @Test func eachPageIsReadOnceAndTheLastStartsNoRead() async throws {
        let audience = Audience()
        let readAhead = AudienceReadAhead()
        var cursor: String?
        var seen: [String] = []
        while true {
            let page = try await readAhead.next(1, after: cursor, now: { Self.t0 }, read: audience.read)
            seen += page.unknownIds
            cursor = page.cursor
            if page.finished { break }
        }
        #expect(seen == (0..<50).map { "c\($0)" })
        #expect(audience.reads.withLock { $0 } == [nil, "10", "20", "30", "40"])
    }

    @Test func aPageIsUsedOnlyAtItsCursorForItsJobWhileFresh() async throws {
        let audience = Audience()
        let readAhead = AudienceReadAhead()
        _ = try await readAhead.next(1, after: nil, now: { Self.t0 }, read: audience.read)
        // Another cursor (the job moved on elsewhere) reads again, and gets the page after that cursor.
        let moved = try await readAhead.next(1, after: "30", now: { Self.t0 }, read: audience.read)
        #expect(moved.unknownIds.first == "c30")
        // Another job never gets job 1's page.
        let other = try await readAhead.next(2, after: "40", now: { Self.t0 }, read: audience.read)
        #expect(other.unknownIds.first == "c40")
        // Read at t0, taken later than `freshFor`: read again.
        let stale = Self.t0.addingTimeInterval(FanoutLookahead.freshFor + 0.5)
        let late = try await readAhead.next(1, after: "40", now: { stale }, read: audience.read)
        #expect(late.unknownIds.first == "c40")
        // Read ahead for job 1, by job 2 itself, and again for job 1.
        #expect(audience.reads.withLock { $0 }.filter { $0 == "40" }.count == 3)
        await readAhead.dropAll()
    }

    @Test func atMostCapacityJobsHoldAPage() async throws {
        let audience = Audience()
        let readAhead = AudienceReadAhead()
        for job in 1...Int64(FanoutLookahead.capacity + 2) {
            _ = try await readAhead.next(job, after: nil, now: { Self.t0 }, read: audience.read)
        }
        await readAhead.dropAll()
        let aheadReads = audience.reads.withLock { $0 }.filter { $0 == "10" }.count
        #expect(aheadReads == FanoutLookahead.capacity)
    }

    /// A job cancelled or taken over elsewhere is never prepared here again: its page gives its slot up once it
    /// is stale, so read-ahead keeps working for the jobs still running.
    @Test func aStalePageGivesItsSlotUp() async throws {
        let readAhead = AudienceReadAhead()
        for job in 1...Int64(FanoutLookahead.capacity) {
            _ = try await readAhead.next(job, after: nil, now: { Self.t0 }, read: Audience().read)
        }
        let later = Self.t0.addingTimeInterval(FanoutLookahead.freshFor + 1)
        let running = Audience()
        _ = try await readAhead.next(99, after: nil, now: { later }, read: running.read)
        _ = try await readAhead.next(99, after: "10", now: { later }, read: running.read)
        await readAhead.dropAll()
        // "10" was read ahead and used, and "20" read ahead in turn.
        #expect(running.reads.withLock { $0 } == [nil, "10", "20"])
    }
}

